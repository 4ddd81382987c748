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
 * @param maxPlaybackRate            Opus: the offer's {@code maxplaybackrate} (RFC 7587 §6.1, Hz), the most
 *                                   the caller plays out; {@link #FULL_PLAYBACK_RATE} when absent or not Opus
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
        int packetTimeMs,
        int maxPlaybackRate) {

    /** RFC 7587 §6.1: without {@code maxplaybackrate} the receiver plays out up to 48 kHz. */
    public static final int FULL_PLAYBACK_RATE = 48_000;

    /** A stream with no Opus playback limit. */
    public AudioOffer(int mediaIndex, String connectionAddress, int port, String protocol, Codec codec,
                      int payloadType, int telephoneEventPayloadType, MediaDirection direction, int packetTimeMs) {
        this(mediaIndex, connectionAddress, port, protocol, codec, payloadType, telephoneEventPayloadType, direction,
                packetTimeMs, FULL_PLAYBACK_RATE);
    }

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
