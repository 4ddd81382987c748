package io.confbridge.server.support;

import io.confbridge.codec.Codec;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The bridge's SDP answer as a phone needs it: where to send RTP, which G.711 law was chosen and which
 * payload type carries telephone-event. Parsed per RFC 4566 with the media-level {@code c=} taking
 * precedence over the session-level one.
 *
 * @param rtpAddress         the bridge's RTP address for this call
 * @param codec              the first G.711 format in the answer's {@code m=audio} line
 * @param audioPayloadType   the payload type of that format
 * @param telephoneEventPt   the payload type of telephone-event, if the bridge accepted it
 * @param formats            every payload type in the {@code m=audio} line, in order
 * @param text               the whole answer, for assertion messages
 */
public record SdpAnswer(
        InetSocketAddress rtpAddress,
        Codec codec,
        int audioPayloadType,
        OptionalInt telephoneEventPt,
        List<Integer> formats,
        String text) {

    /**
     * @throws IllegalArgumentException if there is no audio line, no address or no G.711 format
     */
    public static SdpAnswer parse(String sdp) {
        String sessionAddress = null;
        String mediaAddress = null;
        int port = -1;
        List<Integer> formats = new ArrayList<>();
        Map<Integer, String> encodings = new HashMap<>();
        boolean inAudio = false;
        for (String rawLine : sdp.split("\r?\n")) {
            String line = rawLine.trim();
            if (line.startsWith("m=")) {
                inAudio = line.startsWith("m=audio ") && port < 0;
                if (inAudio) {
                    String[] parts = line.substring(2).split("\\s+");
                    port = Integer.parseInt(parts[1]);
                    for (int i = 3; i < parts.length; i++) {
                        formats.add(Integer.parseInt(parts[i]));
                    }
                }
            } else if (line.startsWith("c=")) {
                String[] parts = line.substring(2).split("\\s+");
                String address = parts[2].split("/")[0];
                if (port < 0 && !inAudio) {
                    sessionAddress = address;
                } else if (inAudio) {
                    mediaAddress = address;
                }
            } else if (line.startsWith("a=rtpmap:") && inAudio) {
                String[] parts = line.substring("a=rtpmap:".length()).split("\\s+", 2);
                encodings.put(Integer.parseInt(parts[0]), parts[1].split("/")[0].toUpperCase(Locale.ROOT));
            }
        }
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (port <= 0 || address == null) {
            throw new IllegalArgumentException("answer has no usable audio stream:\n" + sdp);
        }
        Codec codec = null;
        int codecPt = -1;
        OptionalInt telephoneEvent = OptionalInt.empty();
        for (int pt : formats) {
            String encoding = encodings.getOrDefault(pt, staticEncoding(pt));
            if (codec == null && Codec.named(encoding) != null) {
                codec = Codec.named(encoding);
                codecPt = pt;
            } else if ("TELEPHONE-EVENT".equals(encoding) && telephoneEvent.isEmpty()) {
                telephoneEvent = OptionalInt.of(pt);
            }
        }
        if (codec == null) {
            throw new IllegalArgumentException("answer has no G.711 or G.722 format:\n" + sdp);
        }
        return new SdpAnswer(new InetSocketAddress(address, port), codec, codecPt, telephoneEvent,
                List.copyOf(formats), sdp);
    }

    /** RFC 3551 §6 static payload types that may appear without an rtpmap line. */
    private static String staticEncoding(int pt) {
        return switch (pt) {
            case 0 -> "PCMU";
            case 8 -> "PCMA";
            case 9 -> "G722";
            default -> "";
        };
    }
}
