package io.confbridge.sip.sdp;

import io.confbridge.codec.Codec;

/**
 * The audio stream the bridge picked out of an offer and what it will answer with.
 *
 * @param mediaIndex                 index of the chosen {@code m=} section in the offer
 * @param connectionAddress          the remote RTP address (media-level {@code c=}, else session-level)
 * @param port                       the remote RTP port
 * @param protocol                   the offered RTP profile, echoed in the answer
 * @param codec                      the chosen G.711 variant
 * @param payloadType                the payload type the offer used for that codec
 * @param telephoneEventPayloadType  the offered {@code telephone-event/8000} payload type, or -1
 * @param direction                  the offered direction (media-level, else session-level, else sendrecv)
 * @param packetTimeMs               the packet time the bridge sends in and answers as {@code a=ptime}, chosen
 *                                   from the offer's {@code a=ptime} and {@code a=maxptime} ({@link PacketTime})
 */
public record AudioOffer(
        int mediaIndex,
        String connectionAddress,
        int port,
        String protocol,
        Codec codec,
        int payloadType,
        int telephoneEventPayloadType,
        MediaDirection direction,
        int packetTimeMs) {

    /** A stream sent to in 20 ms packets. */
    public AudioOffer(int mediaIndex, String connectionAddress, int port, String protocol, Codec codec,
                      int payloadType, int telephoneEventPayloadType, MediaDirection direction) {
        this(mediaIndex, connectionAddress, port, protocol, codec, payloadType, telephoneEventPayloadType, direction,
                PacketTime.DEFAULT_MS);
    }

    /**
     * Whether the offer uses the RFC 2543 hold address {@code c=IN IP4 0.0.0.0} (RFC 3264 §8.4), or its
     * IPv6 counterpart {@code ::}, which some UAs send over IPv6.
     */
    public boolean isHoldAddress() {
        return "0.0.0.0".equals(connectionAddress) || "::".equals(connectionAddress);
    }

    /** Whether the bridge should send audio: false when the offer puts us on hold. */
    public boolean sendAudio() {
        return direction.writerReceives() && !isHoldAddress();
    }
}
