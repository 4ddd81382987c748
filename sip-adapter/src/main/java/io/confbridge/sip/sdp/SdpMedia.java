package io.confbridge.sip.sdp;

import java.util.List;
import java.util.Map;

/**
 * One {@code m=} section of an SDP body with the few attributes the bridge looks at.
 *
 * @param type              the media type ({@code audio}, {@code video}, ...)
 * @param port              the transport port; 0 means the stream is disabled
 * @param protocol          the transport protocol ({@code RTP/AVP}, {@code RTP/SAVP}, ...)
 * @param formats           the format list in offer order (payload type numbers for RTP)
 * @param connectionAddress the media-level {@code c=} address, or null when the session-level one applies
 * @param direction         the media-level direction attribute, or null when the session-level one applies
 * @param rtpmaps           payload type to {@code encoding/clock[/channels]} from {@code a=rtpmap}
 * @param fmtps             payload type to format parameters from {@code a=fmtp}
 * @param rtcpMux           the section has {@code a=rtcp-mux} (RFC 5761)
 * @param rtcp              the value of {@code a=rtcp:} (RFC 3605), or null
 * @param cryptos           the values of the section's {@code a=crypto} attributes (RFC 4568), in order
 * @param ptimeMs           the {@code a=ptime} in whole ms (a fraction cut off), or -1 when absent or unreadable
 * @param maxPtimeMs        the {@code a=maxptime} in whole ms, or -1 when absent or unreadable
 */
record SdpMedia(
        String type,
        int port,
        String protocol,
        List<String> formats,
        String connectionAddress,
        MediaDirection direction,
        Map<Integer, String> rtpmaps,
        Map<Integer, String> fmtps,
        boolean rtcpMux,
        String rtcp,
        List<String> cryptos,
        int ptimeMs,
        int maxPtimeMs) {

    SdpMedia(String type, int port, String protocol, List<String> formats, String connectionAddress,
             MediaDirection direction, Map<Integer, String> rtpmaps, Map<Integer, String> fmtps, boolean rtcpMux,
             String rtcp) {
        this(type, port, protocol, formats, connectionAddress, direction, rtpmaps, fmtps, rtcpMux, rtcp, List.of());
    }

    SdpMedia(String type, int port, String protocol, List<String> formats, String connectionAddress,
             MediaDirection direction, Map<Integer, String> rtpmaps, Map<Integer, String> fmtps, boolean rtcpMux,
             String rtcp, List<String> cryptos) {
        this(type, port, protocol, formats, connectionAddress, direction, rtpmaps, fmtps, rtcpMux, rtcp, cryptos, -1, -1);
    }

    public SdpMedia {
        cryptos = List.copyOf(cryptos);
        formats = List.copyOf(formats);
        rtpmaps = Map.copyOf(rtpmaps);
        fmtps = Map.copyOf(fmtps);
    }

    /** Whether this is RTP audio that is not disabled and not secured (we speak neither SRTP nor DTLS). */
    boolean isPlainRtpAudio() {
        return "audio".equals(type) && port != 0 && ("RTP/AVP".equals(protocol) || "RTP/AVPF".equals(protocol));
    }

    /** Whether this is RTP audio that is not disabled, plain or secured with SRTP (RTP/SAVP, RTP/SAVPF). */
    boolean isRtpAudio() {
        return isPlainRtpAudio() || ("audio".equals(type) && port != 0 && isSecureProfile());
    }

    /** Whether the profile is SRTP's (RFC 3711 §12: RTP/SAVP; RFC 5124: RTP/SAVPF). */
    boolean isSecureProfile() {
        return "RTP/SAVP".equals(protocol) || "RTP/SAVPF".equals(protocol);
    }

    /**
     * Whether payload type {@code pt} carries {@code encoding} at {@code clockRate}: by its rtpmap when it
     * has one, else by the RFC 3551 static assignment {@code staticPt}.
     */
    boolean carries(int pt, String encoding, int clockRate, int staticPt) {
        String map = rtpmaps.get(pt);
        if (map == null) {
            return pt == staticPt;
        }
        String[] parts = map.split("/");
        if (parts.length < 2 || !parts[0].trim().equalsIgnoreCase(encoding)) {
            return false;
        }
        try {
            return Integer.parseInt(parts[1].trim()) == clockRate;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
