package io.confbridge.bench;

import io.confbridge.rtp.SrtpContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The per-packet cost SRTP adds to a call: encrypting and tagging one 20 ms G.711 packet (12-byte header,
 * 160 bytes of payload) as a lobby caller's stream needs 50 times a second, on the JDK's AES and
 * HMAC-SHA1. {@code java -jar bridge-bench/target/benchmarks.jar SrtpBenchmark -prof gc} also shows that
 * it allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SrtpBenchmark {
    @Param({"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"})
    public String suite;

    private SrtpContext sender;
    private final byte[] packet = new byte[12 + 160 + 10];
    private int sequence;

    @Setup
    public void setUp() {
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        for (int i = 0; i < 16; i++) {
            key[i] = (byte) (i * 7);
        }
        sender = new SrtpContext(SrtpContext.Suite.valueOf(suite), key, salt);
        packet[0] = (byte) 0x80;
        packet[8] = 0x12;
    }

    @Benchmark
    public int protect() {
        int seq = sequence++ & 0xFFFF;
        packet[2] = (byte) (seq >>> 8);
        packet[3] = (byte) seq;
        return sender.protect(packet, 0, 12 + 160);
    }
}
