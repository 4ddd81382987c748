package io.confbridge.call;

/**
 * The voice menu's timeouts and try counts (SPEC §2), from the {@code ivr.*} configuration; the same for
 * every call of the node.
 *
 * @param lobbyTimeoutMs the node's bound on a lobby wait; a meeting's own lobby timeout runs within it
 */
public record MenuPolicy(long digitTimeoutMs, long organizerStarWaitMs, int conferenceIdTries,
                         int pinTries, long lobbyTimeoutMs) {
}
