package io.confbridge.prompt;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.OpusEncoder;
import io.confbridge.codec.Subbands;
import java.util.Arrays;

/**
 * An immutable audio clip (a prompt, a tone, the hold music) encoded once per codec at load time
 * and shared by every call that plays it: sending frame {@code i} to a caller is a copy of
 * {@link Codec#FRAME_SAMPLES} bytes from {@code payload(codec)} at offset {@code i * 160}, with no
 * encoding per listener. A clip is padded with silence to whole 20 ms frames, and has the same
 * number of frames in every codec (a G.722 frame is 160 bytes too). It comes in two kinds:
 * <ul>
 *   <li>wideband ({@link #fromWidebandPcm}): a 16 kHz source, the built-in prompts and hold music.
 *       G.722 carries the source itself (up to about 7 kHz); G.711 and {@link #pcm()} get it
 *       resampled to 8 kHz through a 3.6 kHz low-pass, so nothing above 4 kHz folds down as an
 *       alias;</li>
 *   <li>narrowband ({@link #fromPcm}): an 8 kHz source, the tones and an operator's 8 kHz WAVs.
 *       In G.722 it is the low band of a 16 kHz stream, the high band silent.</li>
 * </ul>
 *
 * <p>The arrays returned by {@link #payload} and {@link #pcm} are the shared originals, not
 * copies, so that the media path allocates nothing: callers must never write to them.
 */
public final class EncodedAudio {

    /** Peak amplitude at or below which a clip counts as silent: about -60 dBFS. */
    private static final int SILENCE_PEAK = 32;
    /** Samples in one 20 ms frame at 16 kHz. */
    private static final int WIDEBAND_FRAME_SAMPLES = 2 * Codec.FRAME_SAMPLES;

    private final String name;
    /** 8 kHz, frames()·160 samples. */
    private final short[] pcm;
    /** The 16 kHz source, frames()·320 samples, or null for a narrowband clip. */
    private final short[] widebandPcm;
    /** Indexed by {@link Codec#ordinal()}. */
    private final byte[][] payloads;
    private final int peakAmplitude;

    /** Both arrays padded to whole frames; {@code widebandPcm} null for a narrowband clip. */
    private EncodedAudio(String name, short[] pcm, short[] widebandPcm) {
        this.name = name;
        this.pcm = pcm;
        this.widebandPcm = widebandPcm;
        Codec[] codecs = Codec.values();
        this.payloads = new byte[codecs.length][];
        for (Codec codec : codecs) {
            byte[] payload;
            if (codec == Codec.OPUS) {
                continue; // below, apart: its frames vary in length
            } else if (!codec.wideband()) {
                payload = encodeNarrowband(codec, pcm);
            } else if (widebandPcm != null) {
                payload = encodeWideband(widebandPcm);
            } else {
                payload = encodeLowBand(pcm);
            }
            payloads[codec.ordinal()] = payload;
        }
        this.opus = encodeOpus(pcm, widebandPcm, pcm.length / Codec.FRAME_SAMPLES);
        // The source's peak: resampling moves the sample instants, so the 8 kHz peak of a wideband
        // clip can sit a little below what was normalised (and its high band is not in pcm at all).
        this.peakAmplitude = peak(widebandPcm != null ? widebandPcm : pcm);
    }

    private static int peak(short[] samples) {
        int peak = 0;
        for (short sample : samples) {
            peak = Math.max(peak, Math.abs(sample));
        }
        return peak;
    }

    private static byte[] encodeNarrowband(Codec codec, short[] pcm) {
        byte[] payload = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            payload[i] = codec.encode(pcm[i]);
        }
        return payload;
    }

    /**
     * The 16 kHz clip as G.722, both bands. Encoded in one pass, so the stream is continuous from
     * frame to frame.
     */
    private static byte[] encodeWideband(short[] pcm16k) {
        byte[] payload = new byte[pcm16k.length / 2];
        new G722Encoder().encode(pcm16k, 0, pcm16k.length, payload, 0);
        return payload;
    }

    /**
     * The 8 kHz clip as G.722: all of it is G.722's low band (0–4 kHz) at that band's scale, the high
     * band silent. Encoded in one pass, so the stream is continuous from frame to frame.
     */
    private static byte[] encodeLowBand(short[] pcm) {
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
     * Encodes a narrowband clip.
     *
     * @param name what the clip is, for logs and error messages ({@code prompts/en/welcome.wav})
     * @param pcm8kHz 8 kHz mono 16-bit linear samples; copied, and padded to whole frames
     * @throws IllegalArgumentException when there are no samples
     */
    public static EncodedAudio fromPcm(String name, short[] pcm8kHz) {
        int samples = paddedLength(name, pcm8kHz, Codec.FRAME_SAMPLES);
        return new EncodedAudio(name, Arrays.copyOf(pcm8kHz, samples), null);
    }

    /**
     * Encodes a wideband clip: G.722 gets the 16 kHz audio as it is, G.711 and {@link #pcm()} the
     * audio resampled to 8 kHz.
     *
     * @param name what the clip is, for logs and error messages ({@code prompts/en/welcome.wav})
     * @param pcm16kHz 16 kHz mono 16-bit linear samples; copied, and padded to whole frames (320
     *     samples each)
     * @throws IllegalArgumentException when there are no samples
     */
    public static EncodedAudio fromWidebandPcm(String name, short[] pcm16kHz) {
        int samples = paddedLength(name, pcm16kHz, WIDEBAND_FRAME_SAMPLES);
        short[] wide = Arrays.copyOf(pcm16kHz, samples);
        // 2n samples at 16 kHz resample to exactly n at 8 kHz: whole frames stay whole frames.
        short[] narrow = Resampler.to(wide, Resampler.WIDEBAND_RATE, Resampler.NARROWBAND_RATE);
        return new EncodedAudio(name, narrow, wide);
    }

    /** The length of {@code samples} padded to whole frames of {@code frameSamples}. */
    private static int paddedLength(String name, short[] samples, int frameSamples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException(name + ": no audio samples");
        }
        return (samples.length + frameSamples - 1) / frameSamples * frameSamples;
    }

    /** What the clip is, for logs. */
    public String name() {
        return name;
    }

    /** The clip's length in 20 ms frames. */
    public int frames() {
        return pcm.length / Codec.FRAME_SAMPLES;
    }

    /**
     * The whole clip encoded with {@code codec}: frame i at offset i·160, {@link #frameLength} bytes of it
     * (all 160 but in Opus). Shared: read only.
     */
    public byte[] payload(Codec codec) {
        return codec == Codec.OPUS ? opus().payload : payloads[codec.ordinal()];
    }

    /** The length of frame {@code i} of {@link #payload(Codec)}: 160, or that Opus packet's. */
    public int frameLength(Codec codec, int i) {
        return codec == Codec.OPUS ? opus().lengths[i] : Codec.FRAME_SAMPLES;
    }

    /** The clip in Opus: frames in 160-byte slots, each packet's length beside. */
    private record OpusClip(byte[] payload, int[] lengths) {
    }

    /** Null when libopus could not be loaded here (see {@link #opusAvailable()}). */
    private final OpusClip opus;

    private OpusClip opus() {
        if (opus == null) {
            throw new IllegalStateException("no Opus: libopus could not be loaded on this machine");
        }
        return opus;
    }

    /**
     * Whether libopus loads here (the natives shipped in the jar, or {@code -Dopus.lib}): every clip has its
     * Opus frames then. Start-up refuses {@code OPUS} in {@code rtp.codecs} without it.
     */
    public static boolean opusAvailable() {
        return OpusAvailability.AVAILABLE;
    }

    private static final class OpusAvailability {
        static final boolean AVAILABLE = load();

        private static boolean load() {
            try {
                Codec.OPUS.silenceFrameLength();
                return true;
            } catch (LinkageError e) {
                org.slf4j.LoggerFactory.getLogger(EncodedAudio.class).warn("libopus could not be loaded: {}", e.toString());
                return false;
            }
        }
    }

    /**
     * The clip in Opus, encoded at load time in one pass (the stream is continuous from frame to frame)
     * from the 16 kHz source, or the 8 kHz one resampled; null without libopus. Each packet at most 160
     * bytes, so it fits the slots every other codec uses. At load time, not on first use: encoding the
     * hold music (a thousand frames) would stall the media loop of the first Opus caller.
     */
    private static OpusClip encodeOpus(short[] pcm, short[] widebandPcm, int frames) {
        if (!opusAvailable()) {
            return null;
        }
        short[] wide = widebandPcm != null ? widebandPcm
                : Arrays.copyOf(Resampler.to(pcm, Resampler.NARROWBAND_RATE, Resampler.WIDEBAND_RATE),
                        frames * WIDEBAND_FRAME_SAMPLES);
        byte[] payload = new byte[frames * Codec.FRAME_SAMPLES];
        int[] lengths = new int[frames];
        try (OpusEncoder encoder = new OpusEncoder()) {
            for (int i = 0; i < frames; i++) {
                int at = i * Codec.FRAME_SAMPLES;
                int length = encoder.encode(wide, i * WIDEBAND_FRAME_SAMPLES, payload, at, Codec.FRAME_SAMPLES);
                if (length <= 0) { // libopus refused (it should not): silence rather than garbage
                    length = Codec.OPUS.silenceFrameLength();
                    System.arraycopy(Codec.OPUS.silenceFrame(), 0, payload, at, length);
                }
                lengths[i] = length;
            }
        }
        return new OpusClip(payload, lengths);
    }

    /**
     * The whole clip as 8 kHz 16-bit linear samples (frames()·160 of them), for mixing; for a
     * wideband clip, its source resampled. Shared: read only.
     */
    public short[] pcm() {
        return pcm;
    }

    /** Whether the clip has a 16 kHz source, which G.722 callers hear whole. */
    public boolean isWideband() {
        return widebandPcm != null;
    }

    /**
     * The 16 kHz source of a wideband clip (frames()·320 samples). Shared: read only.
     *
     * @throws IllegalStateException for a narrowband clip, which has none
     */
    public short[] widebandPcm() {
        if (widebandPcm == null) {
            throw new IllegalStateException(name + " is narrowband (8 kHz)");
        }
        return widebandPcm;
    }

    /** The largest absolute sample value of the clip's source (at 16 kHz for a wideband clip). */
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
