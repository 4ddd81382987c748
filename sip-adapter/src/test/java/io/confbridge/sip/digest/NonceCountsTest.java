package io.confbridge.sip.digest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NonceCountsTest {

    private static final long LIFETIME = 1_000;

    @Test
    void acceptsOnlyRisingCountsPerNonce() {
        NonceCounts counts = new NonceCounts(8, LIFETIME);
        assertTrue(counts.advance("a", 0, 1, 10));
        assertFalse(counts.advance("a", 0, 1, 11), "same count again");
        assertTrue(counts.advance("a", 0, 3, 12));
        assertFalse(counts.advance("a", 0, 2, 13), "lower count");
        assertTrue(counts.advance("b", 5, 1, 14), "another nonce has its own count");
    }

    @Test
    void aDroppedNonceNeverComesBackWithItsCountForgotten() {
        NonceCounts counts = new NonceCounts(2, LIFETIME);
        assertTrue(counts.advance("a", 100, 1, 200));
        assertTrue(counts.advance("b", 110, 1, 200));
        assertTrue(counts.advance("c", 120, 1, 200), "drops a, the oldest");
        assertEquals(2, counts.size());
        assertFalse(counts.advance("a", 100, 1, 201), "a's history is gone: refused, not replayable");
        assertFalse(counts.advance("a", 100, 2, 201), "even with a higher count");
        assertFalse(counts.advance("z", 90, 1, 201), "an untracked nonce older than a dropped one");
        assertTrue(counts.advance("d", 130, 1, 201), "a nonce newer than every dropped one");
    }

    @Test
    void expiredEntriesMakeRoomWithoutRaisingTheFloor() {
        NonceCounts counts = new NonceCounts(2, LIFETIME);
        assertTrue(counts.advance("a", 100, 1, 100));
        assertTrue(counts.advance("b", 200, 1, 200));
        assertTrue(counts.advance("c", 1_150, 1, 1_150), "a expired and was dropped");
        assertTrue(counts.advance("b", 200, 2, 1_150), "b is still tracked");
        assertTrue(counts.advance("x", 150, 1, 1_150), "no floor was raised by dropping an expired nonce");
    }
}
