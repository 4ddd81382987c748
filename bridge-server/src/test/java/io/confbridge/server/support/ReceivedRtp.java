package io.confbridge.server.support;

import java.net.InetSocketAddress;

/**
 * One RTP packet a {@link TestPhone} received from the bridge (RFC 3550 §5.1 fields).
 *
 * @param arrivalNs   {@link System#nanoTime()} when the datagram was read
 * @param pcm         the payload decoded to linear samples with the negotiated G.711 law; empty for
 *                    telephone-event or any payload type that is not the negotiated audio one
 */
public record ReceivedRtp(
        long arrivalNs,
        int sequenceNumber,
        long timestamp,
        long ssrc,
        int payloadType,
        boolean marker,
        InetSocketAddress source,
        short[] pcm,
        byte[] payload) {

    public boolean isAudio() {
        return pcm.length > 0;
    }
}
