package io.confbridge.server.support;

/**
 * What a {@link TestPhone} offers in its INVITE: the audio formats of its {@code m=audio} line.
 * Each choice is a kind of real phone the bridge meets (RFC 3264 offer/answer).
 */
public enum SdpOffer {
    /** A typical desk phone: µ-law first, A-law, and RFC 4733 telephone-event on 101. */
    PCMU_PCMA_TELEPHONE_EVENT(true, "0 8", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000"),
    /** A European trunk that speaks A-law only. */
    PCMA_ONLY(true, "8", "a=rtpmap:8 PCMA/8000"),
    /** A wideband-only phone. */
    G722_ONLY(false, "9", "a=rtpmap:9 G722/8000"),
    /** A wideband desk phone or softphone: G.722 first, then µ-law, and telephone-event. */
    G722_PCMU_TELEPHONE_EVENT(true, "9 0", "a=rtpmap:9 G722/8000", "a=rtpmap:0 PCMU/8000"),
    /** A phone that prefers µ-law but can do G.722: the bridge's preference (rtp.codecs) picks G.722. */
    PCMU_G722_TELEPHONE_EVENT(true, "0 9", "a=rtpmap:0 PCMU/8000", "a=rtpmap:9 G722/8000"),
    /** An Opus softphone (Linphone, baresip, Zoiper): Opus on a dynamic payload type first, then µ-law. */
    OPUS_PCMU_TELEPHONE_EVENT(true, "96 0", "a=rtpmap:96 opus/48000/2", "a=fmtp:96 useinbandfec=1",
            "a=rtpmap:0 PCMU/8000"),
    /** An Opus phone that plays out 8 kHz at most (RFC 7587 {@code maxplaybackrate}), e.g. a DECT handset. */
    OPUS_8K_PCMU_TELEPHONE_EVENT(true, "96 0", "a=rtpmap:96 opus/48000/2",
            "a=fmtp:96 maxplaybackrate=8000;useinbandfec=1", "a=rtpmap:0 PCMU/8000"),
    /** A phone that sends DTMF only in-band. */
    NO_TELEPHONE_EVENT(false, "0 8", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000"),
    /** A WebRTC-minded phone (baresip, browsers): RTCP multiplexed on the RTP port (RFC 5761). */
    PCMU_RTCP_MUX(true, "0", "a=rtpmap:0 PCMU/8000", "a=rtcp-mux");

    /** The dynamic payload type this phone offers for telephone-event. */
    public static final int TELEPHONE_EVENT_PT = 101;

    private final boolean telephoneEvent;
    private final String audioFormats;
    private final String[] rtpmaps;

    SdpOffer(boolean telephoneEvent, String audioFormats, String... rtpmaps) {
        this.telephoneEvent = telephoneEvent;
        this.audioFormats = audioFormats;
        this.rtpmaps = rtpmaps;
    }

    public boolean offersTelephoneEvent() {
        return telephoneEvent;
    }

    /** The SDP body, with CRLF line ends as RFC 4566 §5 asks. */
    String body(String user, String address, int rtpPort, long sessionId) {
        return body(user, address, rtpPort, sessionId, "sendrecv");
    }

    /** The SDP body with {@code direction} ({@code sendrecv}, {@code sendonly}, ...) as its direction attribute. */
    String body(String user, String address, int rtpPort, long sessionId, String direction) {
        return body(user, address, rtpPort, sessionId, direction, 20);
    }

    /** The SDP body with {@code direction} and {@code a=ptime:ptimeMs}, the packet time the phone asks for. */
    String body(String user, String address, int rtpPort, long sessionId, String direction, int ptimeMs) {
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=").append(user).append(' ').append(sessionId).append(' ').append(sessionId)
                .append(address.indexOf(':') >= 0 ? " IN IP6 " : " IN IP4 ").append(address).append("\r\n")
                .append("s=-\r\n")
                .append(address.indexOf(':') >= 0 ? "c=IN IP6 " : "c=IN IP4 ").append(address).append("\r\n")
                .append("t=0 0\r\n")
                .append("m=audio ").append(rtpPort).append(" RTP/AVP ").append(audioFormats);
        if (telephoneEvent) {
            sdp.append(' ').append(TELEPHONE_EVENT_PT);
        }
        sdp.append("\r\n");
        for (String rtpmap : rtpmaps) {
            sdp.append(rtpmap).append("\r\n");
        }
        if (telephoneEvent) {
            sdp.append("a=rtpmap:").append(TELEPHONE_EVENT_PT).append(" telephone-event/8000\r\n");
            sdp.append("a=fmtp:").append(TELEPHONE_EVENT_PT).append(" 0-16\r\n");
        }
        sdp.append("a=ptime:").append(ptimeMs).append("\r\n").append("a=").append(direction).append("\r\n");
        return sdp.toString();
    }
}
