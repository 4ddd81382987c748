package io.confbridge.prompt;

/** Shared steps of the built-in synthesised clips (hold music, tones). */
final class Synthesis {

    /** Full scale times 10^(-12/20): the peak of the built-in clips, clearly audible, never harsh. */
    static final double MINUS_12_DBFS = 32767 * Math.pow(10, -12 / 20.0);

    private Synthesis() {
    }

    /** Scales the mix so its largest magnitude is {@code peak}, then rounds to 16 bits. */
    static short[] normalise(double[] mix, double peak) {
        double max = 0;
        for (double sample : mix) {
            max = Math.max(max, Math.abs(sample));
        }
        double gain = max == 0 ? 0 : peak / max;
        double[] scaled = new double[mix.length];
        for (int i = 0; i < mix.length; i++) {
            scaled[i] = mix[i] * gain;
        }
        return Resampler.toShorts(scaled);
    }
}
