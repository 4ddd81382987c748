package io.confbridge.sip.sdp;

/** An SDP body that cannot be understood well enough to answer it; the SIP side turns it into a 488. */
public final class SdpParseException extends Exception {

    public SdpParseException(String message) {
        super(message);
    }
}
