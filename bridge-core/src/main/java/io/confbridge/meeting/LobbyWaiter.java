package io.confbridge.meeting;

import java.time.Instant;

/**
 * A caller in a meeting's lobby, as the organizer sees it.
 *
 * @param callerId the caller ID (the SIP From user), or "" if anonymous
 * @param since    when the caller entered the lobby
 */
public record LobbyWaiter(String callerId, Instant since) {
}
