package io.confbridge.sip.sdp;

/**
 * Where the caller wants RTCP for the chosen audio stream.
 *
 * @param mux  the offer had {@code a=rtcp-mux} (RFC 5761), which the bridge always accepts
 * @param port the {@code a=rtcp} port (RFC 3605), or -1 for the RTP port + 1
 * @param host the {@code a=rtcp} address, else the stream's connection address
 */
public record RtcpOffer(boolean mux, int port, String host) {

    /** Reads {@code a=rtcp-mux} and {@code a=rtcp:port [IN IP4 addr]} of the chosen section; a malformed a=rtcp is ignored. */
    public static RtcpOffer of(SdpOffer offer, AudioOffer audio) {
        SdpMedia m = offer.media().get(audio.mediaIndex());
        int port = -1;
        String host = audio.connectionAddress();
        if (m.rtcp() != null) {
            String[] parts = m.rtcp().split("\\s+");
            try {
                int p = Integer.parseInt(parts[0]);
                port = p > 0 && p <= 65535 ? p : -1;
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (parts.length >= 4 && "IN".equals(parts[1])) {
                host = parts[3];
            }
        }
        return new RtcpOffer(m.rtcpMux(), port, host);
    }
}
