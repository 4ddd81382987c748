package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.rtp.RtpReceptionStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.IntToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 §4: the jitter buffer sized from the measured interarrival jitter (RFC 3550 A.8), within
 * 40–200 ms. Each test plays a synthetic stream on a simulated clock: a packet sent every 20 ms, held
 * in the network for a delay from a pattern, received into the call's reception statistics (which
 * measure the jitter) and the buffer; the mixer takes a frame every 20 ms tick. No sleeping, no threads.
 */
class AdaptiveJitterBufferTest {
    private static final long MS = 1_000_000L;
    private static final long TICK = 20 * MS;
    private static final int FRAME = Codec.FRAME_SAMPLES;

    private final ByteBuf packet = Unpooled.buffer(FRAME);
    private final short[] out = new short[FRAME];

    @AfterEach
    void release() {
        packet.release();
    }

    /** What a simulated run saw, counted from the first frame played. */
    record Run(int gaps, int lostFrames, long latePackets, int depthFrames, long skipped, int bufferedAtEnd) {
    }

    /**
     * Plays {@code packets} packets, packet k sent at k×20 ms and arriving {@code delayNs(k)} later, into
     * {@code buffer}; ticks every 20 ms (offset by half a tick from the sending). A gap is a tick after the
     * first frame played at which the buffer had no frame (the participant dropped out of the mix).
     */
    private Run simulate(JitterBuffer buffer, int packets, IntToLongFunction delayNs, int countFromPacket) {
        RtpReceptionStats reception = new RtpReceptionStats(8000);
        PriorityQueue<long[]> arrivals = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        for (int k = 0; k < packets; k++) {
            arrivals.add(new long[] {k * TICK + delayNs.applyAsLong(k), k});
        }
        long lastArrival = arrivals.stream().mapToLong(a -> a[0]).max().orElse(0);
        long countFromNs = countFromPacket * TICK;
        int gaps = 0;
        boolean playing = false;
        long lostBefore = 0;
        for (long tick = TICK / 2; tick <= lastArrival + TICK; tick += TICK) {
            while (!arrivals.isEmpty() && arrivals.peek()[0] <= tick) {
                long[] a = arrivals.poll();
                int seq = (int) (1000 + a[1]) & 0xFFFF;
                reception.onPacket(seq, a[1] * FRAME, 0x1234, 1_000_000_000L + a[0], true);
                buffer.jitter(reception.jitter());
                buffer.put(seq, packet, 0, FRAME, Codec.PCMU);
            }
            boolean got = buffer.take(out);
            if (tick == countFromNs + TICK / 2) {
                lostBefore = buffer.lostFrames();
            }
            if (got) {
                playing = true;
            } else if (playing && tick >= countFromNs) {
                gaps++;
            }
        }
        int bufferedAtEnd = 0;
        while (buffer.take(out)) {
            bufferedAtEnd++;
        }
        return new Run(gaps, (int) (buffer.lostFrames() - lostBefore), buffer.latePackets(), buffer.depthFrames(),
                buffer.skippedFrames(), bufferedAtEnd);
    }

    private static JitterBuffer adaptive() {
        return new JitterBuffer(16, ParticipantAudio.MIN_DEPTH_FRAMES, ParticipantAudio.MAX_DEPTH_FRAMES);
    }

    /** Uniform delays of {@code baseMs} to {@code baseMs + spreadMs}, from a fixed seed. */
    private static IntToLongFunction uniform(long baseMs, long spreadMs, long seed) {
        Random random = new Random(seed);
        long[] delays = new long[20_000];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = (baseMs * MS) + (long) (random.nextDouble() * spreadMs * MS);
        }
        return k -> delays[k];
    }

    @Test
    void aSteadyStreamStaysAtTheLeastDepthWithoutGaps() {
        Run run = simulate(adaptive(), 500, k -> 30 * MS, 0);

        assertEquals(ParticipantAudio.MIN_DEPTH_FRAMES, run.depthFrames(), "no jitter: 40 ms");
        assertEquals(0, run.gaps());
        assertEquals(0, run.latePackets());
        assertEquals(0, run.lostFrames());
    }

    @Test
    void whenJitterStartsTheBufferDeepensAndPlaysWithoutGaps() {
        // 5 s steady (both buffers prime at 40 ms), then 25 s of 10–70 ms delays; the adaptive one counted over the last 15 s.
        IntToLongFunction jitter60 = uniform(10, 60, 42);
        IntToLongFunction pattern = k -> k < 250 ? 10 * MS : jitter60.applyAsLong(k);
        Run fixed = simulate(new JitterBuffer(16, 2), 1500, pattern, 250);
        Run adaptive = simulate(adaptive(), 1500, pattern, 750);

        assertTrue(fixed.gaps() + fixed.lostFrames() > 0,
                "a fixed 40 ms buffer runs dry or loses frames when the jitter starts: " + fixed);
        assertTrue(adaptive.depthFrames() >= 4 && adaptive.depthFrames() <= ParticipantAudio.MAX_DEPTH_FRAMES,
                "depth from the measured jitter: " + adaptive);
        assertEquals(0, adaptive.gaps(), "once adapted: " + adaptive);
        assertEquals(0, adaptive.lostFrames(), "once adapted: " + adaptive);
    }

    @Test
    void theDepthIsBoundedBy200Ms() {
        Run run = simulate(adaptive(), 500, uniform(0, 1000, 7), 0);

        assertEquals(ParticipantAudio.MAX_DEPTH_FRAMES, run.depthFrames(), run.toString());
        assertTrue(run.latePackets() > 0, "with a second of jitter some packets come after their turn: " + run);
    }

    @Test
    void whenTheJitterFallsTheDelayIsGivenBackAFrameAtATime() {
        IntToLongFunction jitteryThenSteady = uniform(10, 80, 3);
        IntToLongFunction pattern = k -> k < 500 ? jitteryThenSteady.applyAsLong(k) : 50 * MS;
        Run run = simulate(adaptive(), 3000, pattern, 0);

        assertEquals(ParticipantAudio.MIN_DEPTH_FRAMES, run.depthFrames(), "the jitter estimate decays: " + run);
        assertTrue(run.skipped() > 0, "frames were skipped to shrink: " + run);
        assertTrue(run.bufferedAtEnd() <= ParticipantAudio.MIN_DEPTH_FRAMES + 1,
                "the burst's delay is not kept: " + run);
        Run fixed = simulate(new JitterBuffer(16, 2), 3000, pattern, 0);
        assertTrue(run.bufferedAtEnd() < fixed.bufferedAtEnd(), "a fixed buffer keeps what the burst added: "
                + fixed + " vs " + run);
    }

    @Test
    void aPacketAfterItsTurnCountsAsLate() {
        JitterBuffer buffer = adaptive();
        buffer.put(1, packet, 0, FRAME, Codec.PCMU);
        buffer.put(2, packet, 0, FRAME, Codec.PCMU);
        buffer.put(4, packet, 0, FRAME, Codec.PCMU);
        for (int i = 0; i < 3; i++) {
            assertTrue(buffer.take(out));
        }
        buffer.put(3, packet, 0, FRAME, Codec.PCMU);

        assertEquals(1, buffer.latePackets());
        assertEquals(1, buffer.lostFrames());
    }

    @Test
    void depthFollowsTheJitterFormula() {
        JitterBuffer buffer = adaptive();
        buffer.jitter(0);
        assertEquals(2, buffer.depthFrames(), "the least depth");
        buffer.jitter(80); // 10 ms: 20 ms + 4 × 10 ms = 60 ms
        assertEquals(3, buffer.depthFrames());
        buffer.jitter(240); // 30 ms: 20 + 120 = 140 ms
        assertEquals(7, buffer.depthFrames());
        buffer.jitter(8000); // a second: bounded
        assertEquals(10, buffer.depthFrames());
    }
}
