package io.confbridge.prompt;

/** Measures a tone in a signal, for the tests of resampled and encoded clips. */
final class Tone {

    private Tone() {
    }

    /**
     * The peak amplitude of the {@code frequency} component of {@code samples[from, to)} at
     * {@code rate}: a correlation with quadrature references, exact for a whole number of cycles
     * and within a fraction of a percent over many.
     */
    static double amplitude(short[] samples, int rate, double frequency, int from, int to) {
        double i = 0;
        double q = 0;
        for (int n = from; n < to; n++) {
            i += samples[n] * Math.cos(2 * Math.PI * frequency * n / rate);
            q += samples[n] * Math.sin(2 * Math.PI * frequency * n / rate);
        }
        return 2 * Math.hypot(i, q) / (to - from);
    }

    /** The RMS of {@code samples[from, to)}. */
    static double rms(short[] samples, int from, int to) {
        double sum = 0;
        for (int n = from; n < to; n++) {
            sum += (double) samples[n] * samples[n];
        }
        return Math.sqrt(sum / (to - from));
    }

    /** {@code level} relative to {@code reference}, in dB. */
    static double db(double level, double reference) {
        return 20 * Math.log10(level / reference);
    }
}
