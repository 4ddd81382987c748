package io.confbridge.codec;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-frame Opus work allocates nothing on the Java heap: encode, decode, and every tenth frame a loss
 * handled by FEC or concealment, at offsets other than 0; measured with the JVM's per-thread allocation
 * counter after a warm-up, as {@code G722AllocationTest} does. (JNA's interface mapping would box the
 * arguments of every call; this is what the direct mapping in {@link OpusNative} is for.)
 */
class OpusAllocationTest {
    private static final int FRAME = OpusEncoder.FRAME;
    private static final int FRAMES = 1_000;
    private static final int SIGNAL_FRAMES = 50;

    private final short[] input = speechLike(SIGNAL_FRAMES * FRAME);
    private final byte[][] packets = new byte[2][OpusPacket.MAX_FRAME_BYTES + 3];
    private final int[] lengths = new int[2];
    private final short[] pcm = new short[FRAME + 7];
    private long sink;

    @Test
    void perFrameCallsAllocateNothing() {
        try (OpusEncoder encoder = new OpusEncoder(); OpusDecoder decoder = new OpusDecoder()) {
            run(encoder, decoder, 10 * FRAMES); // warm-up: the JIT compiles
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            run(encoder, decoder, FRAMES);
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            // The smallest Java object is 16 bytes: under 16 a frame, no frame allocated one.
            assertTrue(allocated < 16L * FRAMES, allocated + " bytes for " + FRAMES + " frames");
            assertTrue(sink != 0);
        }
    }

    /** Encodes frame f, and decodes frame f - 1 (so that a lost one can be rebuilt from frame f's FEC). */
    private void run(OpusEncoder encoder, OpusDecoder decoder, int frames) {
        for (int f = 0; f < frames; f++) {
            int slot = f & 1;
            lengths[slot] = encoder.encode(input, (f % SIGNAL_FRAMES) * FRAME, packets[slot], 3, OpusPacket.MAX_FRAME_BYTES);
            byte[] previous = packets[slot ^ 1];
            int decoded;
            if (f % 10 == 5) {
                decoded = decoder.decodeFec(packets[slot], 3, lengths[slot], pcm, 7, FRAME);
            } else if (f % 10 == 8) {
                decoded = decoder.conceal(pcm, 7, FRAME);
            } else {
                decoded = decoder.decode(previous, 3, Math.max(lengths[slot ^ 1], 1), pcm, 7);
            }
            if (f > 0) {
                assertEquals(FRAME, decoded);
            }
            sink += pcm[100] + lengths[slot];
        }
    }

    /**
     * {@code samples} of voiced sound at 16 kHz with a syllable envelope: the encoder stays in SILK, sends
     * FEC and flags it as voice (also used by {@code OpusVoiceActivityTest}).
     */
    static short[] speechLike(int samples) {
        short[] s = new short[samples];
        for (int i = 0; i < s.length; i++) {
            double v = 0;
            for (int k = 1; k * 150 < 4000; k++) {
                v += 2000.0 / k * Math.sin(2 * Math.PI * 150 * k * i / 16_000.0);
            }
            s[i] = (short) (v * (0.2 + Math.abs(Math.sin(2 * Math.PI * 3 * i / 16_000.0))));
        }
        return s;
    }
}
