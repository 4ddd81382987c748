package io.confbridge.prompt;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.Subbands;
import java.util.Arrays;

/**
 * An immutable audio clip (a prompt, a tone, the hold music) encoded once per codec at load time
 * and shared by every call that plays it: sending frame {@code i} to a caller is a copy of
 * {@link Codec#FRAME_SAMPLES} bytes from {@code payload(codec)} at offset {@code i * 160}, with no
 * encoding per listener. The clip is 8 kHz mono, padded with silence to whole 20 ms frames; in G.722
 * it is the low band of a 16 kHz stream (160 bytes a frame too).
 *
 * <p>The arrays returned by {@link #payload} and {@link #pcm} are the shared originals, not
 * copies, so that the media path allocates nothing: callers must never write to them.
 */
public final class EncodedAudio {

    /** Peak amplitude at or below which a clip counts as silent: about -60 dBFS. */
    private static final int SILENCE_PEAK = 32;

    private final String name;
    private final short[] pcm;
    /** Indexed by {@link Codec#ordinal()}. */
    private final byte[][] payloads;
    private final int peakAmplitude;

    private EncodedAudio(String name, short[] pcm) {
        this.name = name;
        this.pcm = pcm;
        Codec[] codecs = Codec.values();
        this.payloads = new byte[codecs.length][];
        for (Codec codec : codecs) {
            payloads[codec.ordinal()] = codec.wideband() ? encodeWideband(pcm) : encodeNarrowband(codec, pcm);
        }
        int peak = 0;
        for (short sample : pcm) {
            peak = Math.max(peak, Math.abs(sample));
        }
        this.peakAmplitude = peak;
    }

    private static byte[] encodeNarrowband(Codec codec, short[] pcm) {
        byte[] payload = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            payload[i] = codec.encode(pcm[i]);
        }
        return payload;
    }

    /**
     * The 8 kHz clip as G.722: all of it is G.722's low band (0–4 kHz) at that band's scale, the high
     * band silent. Encoded in one pass, so the stream is continuous from frame to frame.
     */
    private static byte[] encodeWideband(short[] pcm) {
        int[] low = new int[pcm.length];
        int[] high = new int[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            low[i] = Subbands.lowOfNarrowband(pcm[i]);
        }
        byte[] payload = new byte[pcm.length];
        new G722Encoder().encodeBands(low, high, pcm.length, payload, 0);
        return payload;
    }

    /**
     * Encodes a clip.
     *
     * @param name what the clip is, for logs and error messages ({@code prompts/en/welcome.wav})
     * @param pcm8kHz 8 kHz mono 16-bit linear samples; copied, and padded to whole frames
     * @throws IllegalArgumentException when there are no samples
     */
    public static EncodedAudio fromPcm(String name, short[] pcm8kHz) {
        if (pcm8kHz.length == 0) {
            throw new IllegalArgumentException(name + ": no audio samples");
        }
        int frames = (pcm8kHz.length + Codec.FRAME_SAMPLES - 1) / Codec.FRAME_SAMPLES;
        return new EncodedAudio(name, Arrays.copyOf(pcm8kHz, frames * Codec.FRAME_SAMPLES));
    }

    /** What the clip is, for logs. */
    public String name() {
        return name;
    }

    /** The clip's length in 20 ms frames. */
    public int frames() {
        return pcm.length / Codec.FRAME_SAMPLES;
    }

    /** The whole clip encoded with {@code codec}: frame i at offset i·160. Shared: read only. */
    public byte[] payload(Codec codec) {
        return payloads[codec.ordinal()];
    }

    /** The whole clip as 16-bit linear samples (frames()·160 of them), for mixing. Shared: read only. */
    public short[] pcm() {
        return pcm;
    }

    /** The largest absolute sample value. */
    public int peakAmplitude() {
        return peakAmplitude;
    }

    /** Whether the clip is silent in effect (peak at or below about -60 dBFS). */
    public boolean isSilent() {
        return peakAmplitude <= SILENCE_PEAK;
    }

    @Override
    public String toString() {
        return name + " (" + frames() * 20 + " ms)";
    }
}
