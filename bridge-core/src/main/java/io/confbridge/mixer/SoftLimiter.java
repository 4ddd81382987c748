package io.confbridge.mixer;

import io.confbridge.codec.Codec;

/**
 * Keeps a mixed frame within 16 bits by lowering its gain, never by clipping the waveform.
 *
 * <p>Per frame: when the frame's peak times the current gain would pass {@link #CEILING} (about
 * -1 dBFS), the gain drops at once to just fit (the whole frame is known before it is sent, so this
 * is look-ahead, and no sample is ever clipped). Otherwise the gain recovers towards 1 by
 * {@link #RELEASE} of the distance each tick (about 150 ms to mostly recover), so loud moments duck
 * smoothly instead of pumping. Allocation-free; one per mixed output that needs its own gain.
 */
final class SoftLimiter {
    static final int CEILING = 29_204; // -1 dBFS
    private static final double RELEASE = 0.12;

    private double gain = 1.0;

    /** Writes {@code sum} minus {@code minus} (null: nothing), which may exceed 16 bits, into {@code out}, scaled to fit. */
    void apply(int[] sum, short[] minus, short[] out) {
        int peak = 0;
        for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
            int s = minus == null ? sum[i] : sum[i] - minus[i];
            peak = Math.max(peak, Math.abs(s));
        }
        double fits = peak > CEILING ? (double) CEILING / peak : 1.0;
        gain = fits < gain ? fits : gain + (Math.min(1.0, fits) - gain) * RELEASE;
        if (gain >= 0.9999) {
            gain = 1.0;
            for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
                out[i] = (short) (minus == null ? sum[i] : sum[i] - minus[i]);
            }
            return;
        }
        for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
            int s = minus == null ? sum[i] : sum[i] - minus[i];
            out[i] = (short) Math.round(s * gain);
        }
    }

    /**
     * Two bands (G.722's low and high subbands, at mix scale; see {@code Subbands}): one gain for both,
     * so the sound's balance is kept. At 16 kHz the two output samples of a pair are about the sum
     * and the difference of the bands, so the peak that must fit is the largest |low| + |high|.
     * {@code minus}, {@code minusHigh} and {@code sumHigh} may be null for nothing.
     */
    void apply(int[] sum, int[] sumHigh, short[] minus, short[] minusHigh, short[] out, short[] outHigh) {
        if (sumHigh == null && minusHigh == null) {
            apply(sum, minus, out);
            java.util.Arrays.fill(outHigh, (short) 0);
            return;
        }
        int peak = 0;
        for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
            int l = minus == null ? sum[i] : sum[i] - minus[i];
            int h = (sumHigh == null ? 0 : sumHigh[i]) - (minusHigh == null ? 0 : minusHigh[i]);
            peak = Math.max(peak, Math.abs(l) + Math.abs(h));
        }
        double fits = peak > CEILING ? (double) CEILING / peak : 1.0;
        gain = fits < gain ? fits : gain + (Math.min(1.0, fits) - gain) * RELEASE;
        if (gain >= 0.9999) {
            gain = 1.0;
        }
        for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
            int l = minus == null ? sum[i] : sum[i] - minus[i];
            int h = (sumHigh == null ? 0 : sumHigh[i]) - (minusHigh == null ? 0 : minusHigh[i]);
            out[i] = (short) Math.round(l * gain);
            outHigh[i] = (short) Math.round(h * gain);
        }
    }

    double gain() {
        return gain;
    }
}
