package io.confbridge.bench;

import io.confbridge.codec.OpusDecoder;
import io.confbridge.codec.OpusEncoder;
import io.confbridge.codec.OpusPacket;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Opus per 20 ms frame (320 samples at 16 kHz mono, 32 kbit/s, VOIP, in-band FEC for 5 % loss): encode
 * and decode with libopus through our direct-mapped JNA binding ({@link OpusEncoder}, {@link OpusDecoder})
 * against Concentus, the pure-Java port, at the same settings. Encoding is measured at several
 * complexities; both decoders decode the same libopus packets. The input cycles through 50 frames of a
 * voiced, syllable-shaped signal with noise, so SILK's pitch and noise analysis work as on speech. Run
 * with {@code -prof gc} to see what each allocates per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OpusBenchmark {
    static final int FRAME = 320;
    static final int FRAMES = 50;
    static final int BITRATE = 32_000;
    static final int LOSS_PERCENT = 5;

    static final short[] INPUT = speechLike();

    private final byte[][] packets = new byte[FRAMES][];
    private final short[] pcm = new short[FRAME];
    private OpusDecoder libopusDecoder;
    private io.github.jaredmdobson.concentus.OpusDecoder concentusDecoder;
    private int frame;

    /** The encoders, apart so that only the encode benchmarks run once per complexity. */
    @State(Scope.Thread)
    public static class Encoders {
        @Param({"3", "5", "10"})
        public int complexity;

        /** The loss the encoder's in-band FEC is sized for: 0 turns the FEC copy off (libopus 1.1). */
        @Param({"5"})
        public int lossPercent;

        OpusEncoder libopus;
        io.github.jaredmdobson.concentus.OpusEncoder concentus;
        final byte[] packet = new byte[OpusPacket.MAX_FRAME_BYTES];
        int frame;

        @Setup
        public void setUp() throws OpusException {
            libopus = new OpusEncoder(BITRATE, complexity, lossPercent);
            concentus = concentusEncoder(complexity);
        }

        @TearDown
        public void tearDown() {
            libopus.close();
        }

        int next() {
            int f = frame;
            frame = f == FRAMES - 1 ? 0 : f + 1;
            return f;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws OpusException {
        try (OpusEncoder encoder = new OpusEncoder(BITRATE, OpusEncoder.DEFAULT_COMPLEXITY, LOSS_PERCENT)) {
            byte[] packet = new byte[OpusPacket.MAX_FRAME_BYTES];
            for (int f = 0; f < FRAMES; f++) {
                int length = encoder.encode(INPUT, f * FRAME, packet, 0, packet.length);
                packets[f] = java.util.Arrays.copyOf(packet, length);
            }
        }
        libopusDecoder = new OpusDecoder();
        concentusDecoder = new io.github.jaredmdobson.concentus.OpusDecoder(16_000, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        libopusDecoder.close();
    }

    private int next() {
        int f = frame;
        frame = f == FRAMES - 1 ? 0 : f + 1;
        return f;
    }

    @Benchmark
    public byte[] libopusEncode(Encoders e) {
        e.libopus.encode(INPUT, e.next() * FRAME, e.packet, 0, e.packet.length);
        return e.packet;
    }

    @Benchmark
    public byte[] concentusEncode(Encoders e) throws OpusException {
        e.concentus.encode(INPUT, e.next() * FRAME, FRAME, e.packet, 0, e.packet.length);
        return e.packet;
    }

    @Benchmark
    public short[] libopusDecode() {
        byte[] p = packets[next()];
        libopusDecoder.decode(p, 0, p.length, pcm, 0);
        return pcm;
    }

    @Benchmark
    public short[] concentusDecode() throws OpusException {
        byte[] p = packets[next()];
        concentusDecoder.decode(p, 0, p.length, pcm, 0, FRAME, false);
        return pcm;
    }

    static io.github.jaredmdobson.concentus.OpusEncoder concentusEncoder(int complexity) throws OpusException {
        io.github.jaredmdobson.concentus.OpusEncoder encoder =
                new io.github.jaredmdobson.concentus.OpusEncoder(16_000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        encoder.setBitrate(BITRATE);
        encoder.setComplexity(complexity);
        encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
        encoder.setUseInbandFEC(true);
        encoder.setPacketLossPercent(LOSS_PERCENT);
        return encoder;
    }

    /** A 120–180 Hz voiced tone with harmonics to 4 kHz plus low-passed noise, 3 syllables a second. */
    static short[] speechLike() {
        short[] s = new short[FRAMES * FRAME];
        long seed = 6716;
        double lp = 0;
        double phase = 0;
        for (int i = 0; i < s.length; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            double noise = (seed >> 33) / (double) (1L << 30);
            lp = 0.8 * lp + 0.2 * noise;
            double f0 = 150 + 30 * Math.sin(2 * Math.PI * 0.7 * i / 16_000.0);
            phase += 2 * Math.PI * f0 / 16_000.0;
            double voiced = 0;
            for (int k = 1; k * f0 < 4000; k++) {
                voiced += 1500.0 / k * Math.sin(k * phase);
            }
            double envelope = Math.abs(Math.sin(2 * Math.PI * 3 * i / 16_000.0));
            s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(envelope * (voiced + 6000 * lp))));
        }
        return s;
    }
}
