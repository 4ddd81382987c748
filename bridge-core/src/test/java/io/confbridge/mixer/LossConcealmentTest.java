package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** G.711 Appendix I style concealment on a voiced (periodic) signal: continue, fade, and rejoin. */
class LossConcealmentTest {
    private static final int N = Codec.FRAME_SAMPLES;
    private static final double AMPLITUDE = 3277; // -20 dBFS peak

    private final LossConcealment plc = new LossConcealment();
    private long t;

    /** The next 20 ms of a 250 Hz tone with its second harmonic: a crude voiced sound. */
    private short[] nextFrame() {
        short[] frame = new short[N];
        for (int i = 0; i < N; i++, t++) {
            double phase = 2 * Math.PI * 250 * t / 8000.0;
            frame[i] = (short) Math.round(AMPLITUDE * (0.7 * Math.sin(phase) + 0.3 * Math.sin(2 * phase + 1)));
        }
        return frame;
    }

    private static double rms(short[] s, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) s[i] * s[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    private static double rmsDifference(short[] a, short[] b, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum / (to - from));
    }

    private void playFrames(int count) {
        for (int i = 0; i < count; i++) {
            plc.played(nextFrame());
        }
    }

    @Test
    void aLostFrameOfAVoiceContinuesItsWaveformInsteadOfFallingSilent() {
        playFrames(5);
        short[] concealed = new short[N];
        plc.conceal(concealed);
        short[] truth = nextFrame();

        double first10ms = rmsDifference(concealed, truth, 0, 80) / rms(truth, 0, 80);
        assertTrue(first10ms < 0.05, "the first 10 ms follow the real waveform: error " + first10ms);
        double second10ms = rms(concealed, 80, 160) / rms(truth, 80, 160);
        assertTrue(second10ms > 0.8 && second10ms < 0.95, "then it starts to fade: level " + second10ms);
    }

    @Test
    void aLongLossFadesToSilenceBy60Ms() {
        playFrames(5);
        short[][] concealed = new short[4][N];
        for (short[] frame : concealed) {
            plc.conceal(frame);
        }
        assertTrue(rms(concealed[1], 0, N) < rms(concealed[0], 0, N), "fading");
        assertTrue(rms(concealed[2], 0, N) < rms(concealed[1], 0, N), "fading further");
        assertTrue(Math.abs(concealed[2][N - 1]) < AMPLITUDE * 0.02, "all but silent at 60 ms");
        assertEquals(0, rms(concealed[3], 0, N), 0.0, "and silent after");
        assertEquals(4 * N, plc.concealedSamples());
    }

    @Test
    void theFirstRealFrameAfterALossIsFadedInWithoutAJump() {
        playFrames(5);
        short[] concealed = new short[N];
        plc.conceal(concealed);
        // The talker's next packet jumps (a new sound): without the fade it would start with a step.
        short[] real = nextFrame();
        for (int i = 0; i < N; i++) {
            real[i] = (short) (real[i] + 2500);
        }
        short[] untouched = real.clone();
        plc.played(real);

        int ownSlope = 0;
        for (int i = 1; i < N; i++) {
            ownSlope = Math.max(ownSlope, Math.abs(concealed[i] - concealed[i - 1]));
        }
        int step = Math.abs(real[0] - concealed[N - 1]);
        int rawStep = Math.abs(untouched[0] - concealed[N - 1]);
        assertTrue(rawStep > ownSlope + 2000, "the test's jump is a real step: " + rawStep);
        assertTrue(step <= ownSlope + 250, "the junction is no steeper than the waveform itself: " + step
                + " vs the waveform's " + ownSlope);
        for (int i = 64; i < N; i++) {
            assertEquals(untouched[i], real[i], "after the fade the real signal is untouched, sample " + i);
        }
        assertEquals(0, plc.concealedSamples());
    }

    @Test
    void realFramesPassThroughUnchanged() {
        short[] frame = nextFrame();
        short[] copy = frame.clone();
        plc.played(frame);
        for (int i = 0; i < N; i++) {
            assertEquals(copy[i], frame[i]);
        }
    }
}
