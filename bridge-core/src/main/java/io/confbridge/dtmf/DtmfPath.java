package io.confbridge.dtmf;

/** The ways a key press reaches the bridge (SPEC §2.9); a phone may use more than one at once. */
enum DtmfPath {
    /** RTP telephone-event packets, {@link Rfc4733Receiver}. */
    RFC4733,
    /** SIP INFO requests, {@code application/dtmf-relay} or {@code application/dtmf}. */
    SIP_INFO,
    /** Tones in the voice stream, {@link InbandDtmfDetector}. */
    INBAND
}
