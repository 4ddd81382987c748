package io.confbridge.prompt;

/**
 * Converts audio of any sample rate to 8 kHz with a windowed-sinc interpolator: each output
 * sample is the input convolved with a low-pass kernel centred on its exact (fractional) input
 * position. The cut-off is 0.45 of the lower of the two rates (3.6 kHz when downsampling to
 * 8 kHz, inside the telephone band's 3.4 kHz with room for the transition), so content above
 * 4 kHz is removed instead of aliasing into the voice band; the kernel spans 16 zero crossings
 * each side under a Blackman window (stop band about -74 dB). Done once when a file is loaded,
 * so clarity wins over speed.
 */
final class Resampler {

    static final int TARGET_RATE = 8000;
    private static final int ZERO_CROSSINGS = 16;

    private Resampler() {
    }

    /** Resamples mono samples from {@code sourceRate} to 8 kHz, rounding and clipping to 16 bits. */
    static short[] to8kHz(double[] input, int sourceRate) {
        if (sourceRate == TARGET_RATE) {
            return toShorts(input);
        }
        double step = (double) sourceRate / TARGET_RATE;
        // Cut-off as a fraction of the source rate: 2·fc/fs, in cycles per input sample times two.
        double bandwidth = 2 * 0.45 * Math.min(sourceRate, TARGET_RATE) / sourceRate;
        double halfWidth = ZERO_CROSSINGS / bandwidth;
        int outputLength = (int) Math.floor((input.length - 1) / step) + 1;
        double[] output = new double[outputLength];
        for (int n = 0; n < outputLength; n++) {
            double centre = n * step;
            int first = Math.max(0, (int) Math.ceil(centre - halfWidth));
            int last = Math.min(input.length - 1, (int) Math.floor(centre + halfWidth));
            double sum = 0;
            double weights = 0;
            for (int k = first; k <= last; k++) {
                double t = k - centre;
                double w = bandwidth * sinc(bandwidth * t) * blackman(t / halfWidth);
                sum += w * input[k];
                weights += w;
            }
            // Normalising by the weights keeps DC gain exactly 1, also at the clip's edges.
            output[n] = weights != 0 ? sum / weights : 0;
        }
        return toShorts(output);
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
