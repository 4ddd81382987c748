package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.OpusEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;

/**
 * An Opus phone for the mixer's tests: a real libopus encoder at 16 kHz sending a tone or digital
 * silence into its participant's jitter buffer, one 20 ms packet a tick.
 */
final class OpusPhone implements AutoCloseable {
    final ParticipantAudio audio = new ParticipantAudio(Codec.OPUS);
    final OpusEncoder encoder = new OpusEncoder();
    private final double amplitude;
    private final short[] pcm = new short[2 * Codec.FRAME_SAMPLES];
    private final byte[] out = new byte[1275];
    private final ByteBuf packet = Unpooled.buffer(1500);
    /** The tone sent, 0 for digital silence. */
    double hz;
    private long sample;
    private int seq = 1;

    OpusPhone(double amplitude) {
        this.amplitude = amplitude;
    }

    /** Encodes and sends the next packet. */
    void send() {
        send(false);
    }

    /**
     * Encodes the next packet and, unless {@code lost}, sends it (a lost one still takes its sequence
     * number); returns the packet.
     */
    byte[] send(boolean lost) {
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = hz == 0 ? 0 : (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * (sample + i) / 16000));
        }
        sample += pcm.length;
        int length = encoder.encode(pcm, 0, out, 0, out.length);
        int s = seq++;
        if (!lost) {
            packet.clear().writeBytes(out, 0, length);
            audio.received(s, packet, 0, length, 0);
        }
        return Arrays.copyOf(out, length);
    }

    @Override
    public void close() {
        encoder.close();
        packet.release();
    }
}
