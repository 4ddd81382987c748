package io.confbridge.codec;

import java.util.Arrays;

/**
 * Turns a wideband mix held as G.722 subbands into 8 kHz PCM for G.711 listeners: synthesises 16 kHz
 * with the G.722 receive QMF, low-passes at 3.8 kHz and keeps every other sample.
 *
 * <p>Why not just take the lower band ({@code low << 1} is already 8 kHz PCM)? The QMF splits gently:
 * a 5 kHz tone reaches the lower band only about 20 dB down, and a G.711 ear hears it there as a 3 kHz
 * alias. In the full synthesis that alias is cancelled by the higher band; what is left above 4 kHz is
 * then removed by a 63-tap Blackman-windowed sinc (stopband beyond about 4.5 kHz, 88 dB down at 5 kHz;
 * -0.4 dB at 3.4 kHz, -6 dB at 3.8 kHz). Measured: a 5 kHz tone's 3 kHz alias ends 72 dB down from
 * analysis bands, 60 dB down through G.722. Through G.722 the total is only about 40 dB down: the
 * 2-bit higher band's coding noise of a loud high tone partly lands between 3 and 4 kHz in the
 * decoded wideband signal itself, inside the band this filter must keep.
 *
 * <p>Inputs are subbands in {@link G722Decoder#decodeBands}' scale, but may be sums of several talkers
 * and exceed 16 bits: nothing is limited before the filter (the synthesis is done in 64-bit sums);
 * the output is ordinary 16-bit PCM scale, unclamped, for the caller to limit. Only the kept samples
 * are filtered (2 inputs per output). Stateful; nothing allocates after construction.
 */
public final class NarrowbandDecimator {
    /** Taps of the low-pass; odd, so it is symmetric about a centre tap (delay 31 samples at 16 kHz). */
    static final int TAPS = 63;
    private static final double CUTOFF_HZ = 3800;
    private static final double RATE_HZ = 16000;
    /** Coefficient precision: Q20 keeps their rounding (about -120 dB) far below the stopband. */
    private static final int SHIFT = 20;
    /** The 16 kHz history ring: a power of two at least TAPS, stored twice so a window never wraps. */
    private static final int RING = 64;

    /** The QMF's low + high and low - high history, each stored twice (see SubbandAnalysis). */
    private final int[] sum = new int[2 * Qmf.TAPS];
    private final int[] diff = new int[2 * Qmf.TAPS];
    private int qmfAt;
    /** Synthesised 16 kHz samples; the newest RING are {@code [at, at + RING)}. */
    private final long[] wide = new long[2 * RING];
    private int at;
    /** Low-pass taps in Q20, symmetric: only the first half and the centre are used. */
    private final long[] taps = new long[TAPS];

    public NarrowbandDecimator() {
        double[] h = new double[TAPS];
        double fc = CUTOFF_HZ / RATE_HZ;
        int mid = TAPS / 2;
        double total = 0;
        for (int n = 0; n < TAPS; n++) {
            int k = n - mid;
            double sinc = k == 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * k) / (Math.PI * k);
            double x = 2 * Math.PI * n / (TAPS - 1);
            double blackman = 0.42 - 0.5 * Math.cos(x) + 0.08 * Math.cos(2 * x);
            h[n] = sinc * blackman;
            total += h[n];
        }
        // Unity gain at DC exactly, after rounding: the centre tap takes the rounding remainder.
        long rounded = 0;
        for (int n = 0; n < TAPS; n++) {
            taps[n] = Math.round(h[n] / total * (1 << SHIFT));
            rounded += taps[n];
        }
        taps[mid] += (1L << SHIFT) - rounded;
    }

    /**
     * Consumes {@code pairs} lower- and higher-band samples (from index 0) and writes {@code pairs}
     * 8 kHz samples to {@code out8k} from index 0.
     */
    public void decimate(int[] low, int[] high, int pairs, int[] out8k) {
        final int[] c = Qmf.COEFFS;
        final int[] s = sum;
        final int[] d = diff;
        final long[] y = wide;
        final long[] h = taps;
        int q = qmfAt;
        int w = at;
        for (int j = 0; j < pairs; j++) {
            int plus = low[j] + high[j];
            int minus = low[j] - high[j];
            s[q] = plus;
            s[q + Qmf.TAPS] = plus;
            d[q] = minus;
            d[q + Qmf.TAPS] = minus;
            q = q == Qmf.TAPS - 1 ? 0 : q + 1;
            long out1 = 0;
            long out2 = 0;
            for (int i = 0; i < Qmf.TAPS; i++) {
                out2 += (long) s[q + i] * c[i];
                out1 += (long) d[q + i] * c[Qmf.TAPS - 1 - i];
            }
            // Same scale as SubbandSynthesis (>> 11), not limited.
            long first = out1 >> 11;
            long second = out2 >> 11;
            y[w] = first;
            y[w + RING] = first;
            w = (w + 1) & (RING - 1);
            y[w] = second;
            y[w + RING] = second;
            w = (w + 1) & (RING - 1);

            // The newest sample is y[w + RING - 1], the window the TAPS before it down to y[w + 1].
            int newest = w + RING - 1;
            int oldest = w + 1;
            long acc = h[TAPS / 2] * y[oldest + TAPS / 2];
            for (int k = 0; k < TAPS / 2; k++) {
                acc += h[k] * (y[newest - k] + y[oldest + k]);
            }
            out8k[j] = (int) ((acc + (1L << (SHIFT - 1))) >> SHIFT);
        }
        qmfAt = q;
        at = w;
    }

    public void copyFrom(NarrowbandDecimator other) {
        System.arraycopy(other.sum, 0, sum, 0, sum.length);
        System.arraycopy(other.diff, 0, diff, 0, diff.length);
        System.arraycopy(other.wide, 0, wide, 0, wide.length);
        qmfAt = other.qmfAt;
        at = other.at;
    }

    public void reset() {
        Arrays.fill(sum, 0);
        Arrays.fill(diff, 0);
        Arrays.fill(wide, 0);
        qmfAt = 0;
        at = 0;
    }
}
