package io.confbridge.prompt;

/**
 * Converts audio between sample rates (to 8 kHz for G.711, to 16 kHz for G.722) with a
 * windowed-sinc interpolator: each output sample is the input convolved with a low-pass kernel
 * centred on its exact (fractional) input position. The cut-off is 0.45 of the lower of the two
 * rates (3.6 kHz when the lower rate is 8 kHz, inside the telephone band's 3.4 kHz with room for
 * the transition; 7.2 kHz when it is 16 kHz), so content above the new Nyquist limit is removed
 * instead of aliasing; the kernel spans 16 zero crossings each side under a Blackman window (stop
 * band about -74 dB). Done once when a clip is loaded, so clarity wins over speed, except that
 * the kernel is tabulated per output phase when the rates give few phases (16 → 8 kHz has one,
 * 44.1 → 16 kHz 160): recomputing sines for every tap made loading the prompts take seconds.
 */
final class Resampler {

    /** G.711's rate, and that of {@link EncodedAudio#pcm()}. */
    static final int NARROWBAND_RATE = 8000;
    /** G.722's rate, and that of a wideband clip's source. */
    static final int WIDEBAND_RATE = 16000;
    private static final int ZERO_CROSSINGS = 16;
    /** Above this many output phases the kernel is computed per sample rather than tabulated. */
    private static final int MAX_TABULATED_PHASES = 4096;

    private Resampler() {
    }

    /** Resamples mono samples from {@code sourceRate} to 8 kHz, rounding and clipping to 16 bits. */
    static short[] to8kHz(double[] input, int sourceRate) {
        return to(input, sourceRate, NARROWBAND_RATE);
    }

    /** Resamples 16-bit mono samples from {@code sourceRate} to {@code targetRate}. */
    static short[] to(short[] input, int sourceRate, int targetRate) {
        double[] samples = new double[input.length];
        for (int i = 0; i < input.length; i++) {
            samples[i] = input[i];
        }
        return to(samples, sourceRate, targetRate);
    }

    /**
     * Resamples mono samples from {@code sourceRate} to {@code targetRate}, rounding and clipping to
     * 16 bits. The output has {@code floor((n - 1) · targetRate / sourceRate) + 1} samples for
     * {@code n} inputs: the last one sits at or before the last input, so 2n samples at 16 kHz give
     * n at 8 kHz.
     */
    static short[] to(double[] input, int sourceRate, int targetRate) {
        if (sourceRate == targetRate || input.length == 0) {
            return toShorts(input);
        }
        // Cut-off as a fraction of the source rate: 2·fc/fs, in cycles per input sample times two.
        double bandwidth = 2 * 0.45 * Math.min(sourceRate, targetRate) / sourceRate;
        double halfWidth = ZERO_CROSSINGS / bandwidth;
        int reach = (int) Math.ceil(halfWidth);
        int outputLength = (int) ((input.length - 1L) * targetRate / sourceRate) + 1;
        // Output n sits at input position n·sourceRate/targetRate = base + phase/targetRate; the
        // phase repeats every targetRate/gcd outputs, and with it the kernel.
        int phases = targetRate / gcd(sourceRate, targetRate);
        double[][] table = phases <= MAX_TABULATED_PHASES ? new double[phases][] : null;
        int phaseStep = targetRate / phases;
        double[] scratch = new double[2 * reach + 2];
        double[] output = new double[outputLength];
        for (int n = 0; n < outputLength; n++) {
            long position = (long) n * sourceRate;
            int base = (int) (position / targetRate);
            int phase = (int) (position % targetRate);
            double[] kernel;
            if (table != null) {
                kernel = table[phase / phaseStep];
                if (kernel == null) {
                    kernel = kernel((double) phase / targetRate, reach, halfWidth, bandwidth, new double[2 * reach + 2]);
                    table[phase / phaseStep] = kernel;
                }
            } else {
                kernel = kernel((double) phase / targetRate, reach, halfWidth, bandwidth, scratch);
            }
            // kernel[j] weighs input base - reach + j.
            int first = Math.max(0, base - reach);
            int last = Math.min(input.length - 1, base + reach + 1);
            double sum = 0;
            double weights = 0;
            for (int k = first; k <= last; k++) {
                double w = kernel[k - base + reach];
                sum += w * input[k];
                weights += w;
            }
            // Normalising by the weights keeps DC gain exactly 1, also at the clip's edges.
            output[n] = weights != 0 ? sum / weights : 0;
        }
        return toShorts(output);
    }

    /** Fills {@code into} with the kernel for an output {@code fraction} of an input sample past its base. */
    private static double[] kernel(double fraction, int reach, double halfWidth, double bandwidth, double[] into) {
        for (int j = 0; j < into.length; j++) {
            double t = j - reach - fraction;
            into[j] = Math.abs(t) > halfWidth ? 0 : bandwidth * sinc(bandwidth * t) * blackman(t / halfWidth);
        }
        return into;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** The Blackman window over x in [-1, 1]. */
    private static double blackman(double x) {
        double phase = Math.PI * (x + 1);
        return 0.42 - 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase);
    }

    static short[] toShorts(double[] samples) {
        short[] out = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            long rounded = Math.round(samples[i]);
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, rounded));
        }
        return out;
    }
}
