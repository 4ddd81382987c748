package io.confbridge.meeting;

/**
 * A participant heard in the mix right now, as the organizer's page shows them: identified the way the
 * lobby identifies a caller.
 *
 * @param callerId the caller ID (the SIP From user), or "" if anonymous
 */
public record Talker(String callerId) {
}
