package io.confbridge.server.support;

/** The ways a {@link TestPhone} can send a key press to the bridge (SPEC §2 step 9). */
public enum KeyPath {
    /** RFC 4733 telephone-events in the RTP stream; needs telephone-event in the SDP answer. */
    RFC_4733,
    /** A SIP INFO request in the dialog per key, {@code application/dtmf-relay}. */
    SIP_INFO,
    /** Tone pairs in the G.711 audio itself, for the bridge's Goertzel detector. */
    IN_BAND
}
