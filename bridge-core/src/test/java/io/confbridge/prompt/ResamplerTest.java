package io.confbridge.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResamplerTest {

    @Test
    void halvesWholeFramesExactly() {
        assertEquals(160, Resampler.to(new short[320], 16000, 8000).length);
        assertEquals(0, Resampler.to(new short[0], 16000, 8000).length);
    }

    @Test
    void sameRateIsACopy() {
        short[] samples = {1, -2, 3, 32767, -32768};
        assertArrayEquals(samples, Resampler.to(samples, 16000, 16000));
    }

    @Test
    void to8kHzIsTheGeneralCaseAt8kHz() {
        double[] tone = toDoubles(WavFiles.sine(700, 44100, 0.2, 9000));
        assertArrayEquals(Resampler.to(tone, 44100, 8000), Resampler.to8kHz(tone, 44100));
    }

    @Test
    void tabulatedKernelMatchesTheOneComputedPerSample() {
        // 44101 → 16000 has 16000 phases, more than are tabulated; 44100 → 16000 has 160. A tone
        // resampled both ways must agree to within rounding, away from the clips' ends (which are
        // not at the same instant).
        short[] a = Resampler.to(WavFiles.sine(3000, 44100, 0.2, 9000), 44100, 16000);
        short[] b = Resampler.to(WavFiles.sine(3000, 44101, 0.2, 9000), 44101, 16000);
        for (int i = 0; i < Math.min(a.length, b.length) - 100; i++) {
            assertEquals(a[i], b[i], 25, "sample " + i);
        }
    }

    @Test
    void upsamplesTo16kHzKeepingTheTone() {
        short[] up = Resampler.to(WavFiles.sine(1000, 8000, 1.0, 9000), 8000, 16000);
        assertEquals(15999, up.length, "the last output sits on the last input");
        assertEquals(9000, Tone.amplitude(up, 16000, 1000, 800, up.length - 800), 9000 * 0.01);
    }

    @Test
    void downsamplingTo16kHzCutsAt7Point2kHz() {
        short[] kept = Resampler.to(WavFiles.sine(6000, 48000, 1.0, 9000), 48000, 16000);
        assertEquals(0, Tone.db(Tone.amplitude(kept, 16000, 6000, 800, kept.length - 800), 9000), 0.1);
        short[] cut = Resampler.to(WavFiles.sine(12000, 48000, 1.0, 9000), 48000, 16000);
        double residue = Tone.rms(cut, 800, cut.length - 800);
        assertTrue(Tone.db(residue, 9000 / Math.sqrt(2)) < -60, "12 kHz residue " + residue);
    }

    private static double[] toDoubles(short[] samples) {
        double[] out = new double[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i];
        }
        return out;
    }
}
