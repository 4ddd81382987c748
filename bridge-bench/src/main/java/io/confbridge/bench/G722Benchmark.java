package io.confbridge.bench;

import io.confbridge.codec.G722Decoder;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.NarrowbandDecimator;
import io.confbridge.codec.SubbandAnalysis;
import io.confbridge.codec.SubbandSynthesis;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * G.722 per 20 ms frame (320 samples at 16 kHz, 160 bytes): the full encode and decode, the
 * decoding to subbands the mixer does, the QMFs alone, and the decimation of a frame's subbands to 8 kHz for a G.711 listener. The input cycles
 * through 50 frames of speech-like noise, so the ADPCM does not settle on one state. Run with
 * {@code -prof gc} to see that nothing allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class G722Benchmark {
    private static final int FRAME = 320;
    private static final int PAIRS = FRAME / 2;
    private static final int FRAMES = 50;

    private final short[] input = new short[FRAMES * FRAME];
    private final byte[] encoded = new byte[FRAMES * PAIRS];
    private final int[] lowIn = new int[FRAMES * PAIRS];
    private final int[] highIn = new int[FRAMES * PAIRS];

    private final G722Encoder encoder = new G722Encoder();
    private final G722Decoder decoder = new G722Decoder();
    private final SubbandAnalysis analysis = new SubbandAnalysis();
    private final SubbandSynthesis synthesis = new SubbandSynthesis();
    private final NarrowbandDecimator decimator = new NarrowbandDecimator();

    private final byte[] packet = new byte[PAIRS];
    private final short[] pcm = new short[FRAME];
    private final int[] low = new int[PAIRS];
    private final int[] high = new int[PAIRS];
    private final int[] narrow = new int[PAIRS];
    private int frame;

    @Setup
    public void setUp() {
        // Low-passed noise with a 4 Hz syllable envelope plus a 5 kHz component: deterministic.
        long seed = 722;
        double lp = 0;
        for (int i = 0; i < input.length; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            double noise = (seed >> 33) / (double) (1L << 30);
            lp = 0.8 * lp + 0.2 * noise;
            double env = Math.abs(Math.sin(2 * Math.PI * 4 * i / 16_000.0));
            double v = 40_000 * env * lp + 2_000 * Math.sin(2 * Math.PI * 5_000 * i / 16_000.0);
            input[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        G722Encoder setupEncoder = new G722Encoder();
        setupEncoder.encode(input, 0, input.length, encoded, 0);
        new G722Decoder().decodeBands(encoded, 0, encoded.length, lowIn, highIn);
    }

    private int next() {
        int f = frame;
        frame = f == FRAMES - 1 ? 0 : f + 1;
        return f;
    }

    @Benchmark
    public byte[] encode() {
        encoder.encode(input, next() * FRAME, FRAME, packet, 0);
        return packet;
    }

    @Benchmark
    public short[] decode() {
        decoder.decode(encoded, next() * PAIRS, PAIRS, pcm, 0);
        return pcm;
    }

    /** What the mixer does with every G.722 participant's packet, quiet ones included: no QMF. */
    @Benchmark
    public int[] decodeBands() {
        decoder.decodeBands(encoded, next() * PAIRS, PAIRS, low, high);
        return low;
    }

    /** What the in-band DTMF detector does with a G.722 caller's packet (no RFC 4733): the lower band only. */
    @Benchmark
    public int[] decodeLowBand() {
        decoder.decodeLowBand(encoded, next() * PAIRS, PAIRS, low);
        return low;
    }

    @Benchmark
    public int[] analysis() {
        analysis.analyse(input, next() * FRAME, PAIRS, low, high);
        return low;
    }

    @Benchmark
    public short[] synthesis() {
        int f = next();
        System.arraycopy(lowIn, f * PAIRS, low, 0, PAIRS);
        System.arraycopy(highIn, f * PAIRS, high, 0, PAIRS);
        synthesis.synthesise(low, high, PAIRS, pcm, 0);
        return pcm;
    }

    @Benchmark
    public int[] decimate() {
        int f = next();
        System.arraycopy(lowIn, f * PAIRS, low, 0, PAIRS);
        System.arraycopy(highIn, f * PAIRS, high, 0, PAIRS);
        decimator.decimate(low, high, PAIRS, narrow);
        return narrow;
    }
}
