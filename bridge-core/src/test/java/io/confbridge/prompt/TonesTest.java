package io.confbridge.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TonesTest {

    @Test
    void chimesAreShortAudibleAndClickFree() {
        for (EncodedAudio tone : new EncodedAudio[] {Tones.joinTone(), Tones.leaveTone()}) {
            assertFalse(tone.isSilent(), tone.name());
            assertEquals(16, tone.frames(), tone.name() + ": 320 ms");
            assertEquals(Synthesis.MINUS_12_DBFS, tone.peakAmplitude(), 1.0);
            short[] pcm = tone.pcm();
            assertTrue(Math.abs(pcm[0]) < 100, "starts from silence");
            assertTrue(Math.abs(pcm[pcm.length - 1]) < 100, "ends in silence");
        }
    }

    @Test
    void joinRisesAndLeaveFalls() {
        double joinStart = dominantFrequency(Tones.joinTone().pcm(), 0, 800);
        double joinEnd = dominantFrequency(Tones.joinTone().pcm(), 1200, 2000);
        double leaveStart = dominantFrequency(Tones.leaveTone().pcm(), 0, 800);
        double leaveEnd = dominantFrequency(Tones.leaveTone().pcm(), 1200, 2000);
        assertEquals(784, joinStart, 30);
        assertEquals(1046, joinEnd, 30);
        assertEquals(1046, leaveStart, 30);
        assertEquals(784, leaveEnd, 30);
        assertNotEquals(Tones.joinTone(), Tones.leaveTone());
    }

    /** The strongest frequency in [from, to), searched in 2 Hz steps from 200 Hz to 3 kHz. */
    private static double dominantFrequency(short[] pcm, int from, int to) {
        double best = 0;
        double bestPower = -1;
        for (double f = 200; f <= 3000; f += 2) {
            double i = 0;
            double q = 0;
            for (int n = from; n < to; n++) {
                i += pcm[n] * Math.cos(2 * Math.PI * f * n / 8000);
                q += pcm[n] * Math.sin(2 * Math.PI * f * n / 8000);
            }
            double power = i * i + q * q;
            if (power > bestPower) {
                bestPower = power;
                best = f;
            }
        }
        return best;
    }
}
