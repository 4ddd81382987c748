package io.confbridge.call;

/**
 * The signalling side's handle on a call the core accepted. Every method may be called from any
 * thread (SIP stack threads); the core posts the work to the call's own event loop.
 */
public interface CallHandle {

    /** The local RTP port to put in the SDP answer (RTCP is this + 1). */
    int localRtpPort();

    /** The answer has been sent: start the voice menu. */
    void start();

    /**
     * The answer was acknowledged (the ACK of the 200 arrived): media may flow towards the caller. The
     * bridge sends no RTP before this or before the caller's own first RTP, whichever comes first, so an
     * INVITE never acknowledged cannot point the bridge's audio at a third party.
     */
    void confirmed();

    /** The caller hung up (BYE) or gave up before answer (CANCEL): release everything. */
    void remoteHungUp();

    /**
     * A later offer/answer exchange (re-INVITE, or the answer in the ACK to the bridge's offer) changed
     * where media goes, its codec or payload types, or put the call on or off hold.
     */
    void updateMedia(NegotiatedMedia media);

    /** A key press that arrived in signalling (SIP INFO) rather than in RTP. */
    void digitFromSignalling(char digit);

    /**
     * The signalling side ends the call for a reason of its own (its source was banned for scanning
     * conference IDs): the caller hears "Goodbye", then gets a BYE with {@code reason}.
     */
    void goodbye(String reason);
}
