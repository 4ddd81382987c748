package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mix hand-over ring between a meeting's mixer and a call's sender, on one thread. */
class EncodedFrameRingTest {
    private static final int N = Codec.FRAME_SAMPLES;

    /** Writes a frame whose every byte is the id; false when the ring is full. */
    private static boolean produce(EncodedFrameRing ring, int id) {
        int at = ring.claim();
        if (at < 0) {
            return false;
        }
        Arrays.fill(ring.frames(), at, at + N, (byte) id);
        ring.publish();
        return true;
    }

    /** The id of the next frame, -1 when none waits; with {@code keep} as the sender passes it. */
    private static int consume(EncodedFrameRing ring, int keep) {
        int at = ring.peek(keep);
        if (at < 0) {
            return -1;
        }
        byte id = ring.frames()[at];
        for (int i = 0; i < N; i++) {
            assertEquals(id, ring.frames()[at + i], "frame torn at sample " + i);
        }
        ring.advance();
        return id;
    }

    @Test
    void framesComeOutInOrderAcrossManyWrapArounds() {
        EncodedFrameRing ring = new EncodedFrameRing(4);
        int next = 0;
        for (int id = 0; id < 50; id++) {
            assertTrue(produce(ring, id));
            if (id % 3 == 2) { // the consumer runs behind by up to three, then catches up
                while (next <= id) {
                    assertEquals(next++, consume(ring, 4));
                }
            }
        }
        while (next < 50) {
            assertEquals(next++, consume(ring, 4));
        }
        assertEquals(-1, consume(ring, 4));
    }

    @Test
    void aFullRingDropsNewFramesUntilTheReaderTakesOne() {
        EncodedFrameRing ring = new EncodedFrameRing(4);
        for (int id = 0; id < 4; id++) {
            assertTrue(produce(ring, id));
        }
        assertEquals(-1, ring.claim(), "the reader lags a whole ring: drop rather than overwrite");
        assertEquals(0, consume(ring, 4));
        assertTrue(produce(ring, 4));
        for (int id = 1; id <= 4; id++) {
            assertEquals(id, consume(ring, 4));
        }
    }

    @Test
    void aLaggingReaderSkipsToTheNewestFramesItKeeps() {
        EncodedFrameRing ring = new EncodedFrameRing(4);
        for (int id = 0; id < 4; id++) {
            assertTrue(produce(ring, id));
        }
        assertEquals(2, consume(ring, 2), "only the two newest are kept: frames 0 and 1 are skipped");
        assertEquals(3, consume(ring, 2));
        assertEquals(-1, consume(ring, 2));
        assertTrue(produce(ring, 4), "the skipped slots are free again");
        assertEquals(4, consume(ring, 2));
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new EncodedFrameRing(3));
    }
}
