package io.confbridge.codec;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-frame G.722 work allocates nothing: encode, decodeBands, decode, decimate and a copyFrom, 20 ms
 * frames, measured with the JVM's per-thread allocation counter after a warm-up, as
 * {@code MixerAllocationTest} does.
 */
class G722AllocationTest {
    private static final int FRAME = G722Vectors.FRAME;
    private static final int PAIRS = FRAME / 2;
    private static final int FRAMES = 1_000;

    private final short[] input = G722Vectors.input();
    private final G722Encoder encoder = new G722Encoder();
    private final G722Encoder follower = new G722Encoder();
    private final G722Decoder decoder = new G722Decoder();
    private final G722Decoder bandDecoder = new G722Decoder();
    private final NarrowbandDecimator decimator = new NarrowbandDecimator();
    private final byte[] packet = new byte[PAIRS];
    private final short[] pcm = new short[FRAME];
    private final int[] low = new int[PAIRS];
    private final int[] high = new int[PAIRS];
    private final int[] narrow = new int[PAIRS];
    private long sink;

    @Test
    void perFrameCallsAllocateNothing() {
        run(20 * FRAMES); // warm-up: the JIT compiles
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        run(FRAMES);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // The smallest Java object is 16 bytes: under 16 a frame, no frame allocated one.
        assertTrue(allocated < 16L * FRAMES, allocated + " bytes for " + FRAMES + " frames");
        assertTrue(sink != 0);
    }

    private void run(int frames) {
        int frameCount = input.length / FRAME;
        for (int f = 0; f < frames; f++) {
            int at = (f % frameCount) * FRAME;
            encoder.encode(input, at, FRAME, packet, 0);
            decoder.decode(packet, 0, PAIRS, pcm, 0);
            bandDecoder.decodeBands(packet, 0, PAIRS, low, high);
            decimator.decimate(low, high, PAIRS, narrow);
            if (f % 50 == 0) {
                follower.copyFrom(encoder);
            }
            sink += pcm[7] + narrow[11] + packet[3];
        }
    }
}
