package io.confbridge.rtp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RtpReceptionStatsTest {
    private static final long MS = 1_000_000L;

    @Test
    void evenlySpacedPacketsHaveNoJitter() {
        RtpReceptionStats stats = new RtpReceptionStats(8000);
        for (int i = 0; i < 100; i++) {
            stats.onPacket(i, 1000 + 160L * i, 7, 5_000 * MS + 20 * MS * i, true);
        }
        assertEquals(0, stats.jitter());
        assertEquals(0, stats.cumulativeLost());
        assertEquals(99, stats.extendedHighestSequence());
    }

    @Test
    void jitterConvergesToTheMeanDeviationRfc3550A8() {
        RtpReceptionStats stats = new RtpReceptionStats(8000);
        for (int i = 0; i < 400; i++) {
            long late = (i & 1) == 0 ? 0 : 5 * MS; // every other packet 5 ms late: |D| = 40 units
            stats.onPacket(i, 160L * i, 7, 20 * MS * i + late, true);
        }
        assertTrue(stats.jitter() >= 36 && stats.jitter() <= 40, "jitter " + stats.jitter());
    }

    @Test
    void telephoneEventsDoNotDisturbJitter() {
        RtpReceptionStats stats = new RtpReceptionStats(8000);
        for (int i = 0; i < 50; i++) {
            stats.onPacket(i, i < 25 ? 160L * i : 0, 7, 20 * MS * i, i < 25);
        }
        assertEquals(0, stats.jitter());
        assertEquals(50, stats.received());
    }

    @Test
    void countsLossAcrossTheSequenceWrap() {
        RtpReceptionStats stats = new RtpReceptionStats(8000);
        int seq = 65_500;
        for (int i = 0; i < 100; i++) {
            if (i % 10 != 3) {
                stats.onPacket(seq & 0xFFFF, 160L * i, 9, 20 * MS * i, true);
            }
            seq++;
        }
        assertEquals(10, stats.cumulativeLost());
        assertEquals(65_599, stats.extendedHighestSequence());
        assertEquals(25, stats.takeFractionLost()); // 10/100 in 1/256
        assertEquals(0, stats.takeFractionLost()); // nothing new since
    }

    @Test
    void aNewSourceStartsAfresh() {
        RtpReceptionStats stats = new RtpReceptionStats(8000);
        stats.onPacket(100, 0, 1, 0, true);
        stats.onPacket(105, 800, 1, 100 * MS, true);
        assertEquals(4, stats.cumulativeLost());
        stats.onPacket(9, 0, 2, 120 * MS, true);
        assertEquals(0, stats.cumulativeLost());
        assertEquals(2, stats.ssrc());
    }
}
