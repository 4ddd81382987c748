package io.confbridge.dtmf;

import java.util.Arrays;
import java.util.Random;

/**
 * Test audio at 8 kHz, built segment by segment: DTMF tones at chosen levels and frequency
 * errors, silence, other audio, and white noise over everything so far. Levels are in dBFS: a tone
 * at 0 dBFS is a full-scale sine; noise at 0 dBFS has the mean square of one.
 */
final class TestSignal {

    static final double[] ROW_HZ = {697, 770, 852, 941};
    static final double[] COL_HZ = {1209, 1336, 1477, 1633};
    private static final String KEYS = "123A456B789C*0#D";
    private static final double FULL_SCALE = 32767;

    private double[] samples = new double[8000];
    private int length;
    /** Start phases vary from tone to tone, as they do from a real keypad. */
    private final Random phases = new Random(7);

    static double rowOf(char key) {
        return ROW_HZ[KEYS.indexOf(key) / 4];
    }

    static double colOf(char key) {
        return COL_HZ[KEYS.indexOf(key) % 4];
    }

    /** A tone of the key, both frequencies at -10 dBFS. */
    TestSignal tone(char key, int ms) {
        return tone(key, ms, -10, -10, 1, 1);
    }

    /** A tone of the key with each frequency at its own level and multiplied by its own factor. */
    TestSignal tone(char key, int ms, double rowDbfs, double colDbfs, double rowFactor, double colFactor) {
        return dualTone(rowOf(key) * rowFactor, colOf(key) * colFactor, ms, rowDbfs, colDbfs);
    }

    TestSignal dualTone(double lowHz, double highHz, int ms, double lowDbfs, double highDbfs) {
        int n = samplesOf(ms);
        double a = FULL_SCALE * Math.pow(10, lowDbfs / 20);
        double b = FULL_SCALE * Math.pow(10, highDbfs / 20);
        double pa = phases.nextDouble() * 2 * Math.PI;
        double pb = phases.nextDouble() * 2 * Math.PI;
        ensure(n);
        for (int i = 0; i < n; i++) {
            double t = (double) i / 8000;
            samples[length++] = a * Math.sin(2 * Math.PI * lowHz * t + pa) + b * Math.sin(2 * Math.PI * highHz * t + pb);
        }
        return this;
    }

    TestSignal silence(int ms) {
        return silenceSamples(samplesOf(ms));
    }

    TestSignal silenceSamples(int n) {
        ensure(n);
        length += n;
        return this;
    }

    TestSignal audio(short[] pcm) {
        ensure(pcm.length);
        for (short s : pcm) {
            samples[length++] = s;
        }
        return this;
    }

    /** Adds Gaussian white noise to everything so far. */
    TestSignal noise(double dbfs, long seed) {
        Random random = new Random(seed);
        double sigma = FULL_SCALE / Math.sqrt(2) * Math.pow(10, dbfs / 20);
        for (int i = 0; i < length; i++) {
            samples[i] += sigma * random.nextGaussian();
        }
        return this;
    }

    /** The samples, rounded and clipped to 16 bits. */
    short[] pcm() {
        short[] out = new short[length];
        for (int i = 0; i < length; i++) {
            out[i] = (short) Math.max(-32768, Math.min(32767, Math.round(samples[i])));
        }
        return out;
    }

    private static int samplesOf(int ms) {
        return ms * 8;
    }

    private void ensure(int more) {
        if (length + more > samples.length) {
            samples = Arrays.copyOf(samples, Math.max(2 * samples.length, length + more));
        }
    }
}
