package io.confbridge.codec;

import java.util.Arrays;

/**
 * G.722's receive QMF: one lower-band and one higher-band sample (8 kHz each) in, two 16 kHz samples
 * out, with spandsp's arithmetic, the output saturated to 16 bits. Stateful: it keeps the last 12
 * band pairs.
 *
 * <p>One deliberate difference from libspandsp 0.0.6 (Debian's): it casts the filter output to
 * {@code int16_t}, so a reconstruction overshooting full scale (clipped input) wraps to the opposite
 * sign, a full-scale click; later spandsp and this class saturate instead. Wherever the value fits in
 * 16 bits the output is identical; the test vectors have 805 samples of 32,000 where it does not.
 *
 * <p>Scale: a lower-band value L (higher band 0) held steady gives 2L at the output, the inverse of
 * {@link SubbandAnalysis}'s A/2. Inputs are expected in the decoder's range, [-16384, 16383] each,
 * so sum and difference fit 16 bits as in spandsp; for sums of several talkers use
 * {@link NarrowbandDecimator}, which synthesises without that assumption.
 */
public final class SubbandSynthesis {
    /** low + high and low - high of the last 12 pairs, each written twice (see SubbandAnalysis). */
    private final int[] sum = new int[2 * Qmf.TAPS];
    private final int[] diff = new int[2 * Qmf.TAPS];
    private int ptr;

    /**
     * Turns {@code pairs} samples of each band (from index 0) into {@code 2 * pairs} samples written
     * to {@code pcm16k} from {@code off}.
     */
    public void synthesise(int[] low, int[] high, int pairs, short[] pcm16k, int off) {
        final int[] c = Qmf.COEFFS;
        final int[] s = sum;
        final int[] d = diff;
        int at = ptr;
        for (int j = 0; j < pairs; j++) {
            int plus = low[j] + high[j];
            int minus = low[j] - high[j];
            s[at] = plus;
            s[at + Qmf.TAPS] = plus;
            d[at] = minus;
            d[at + Qmf.TAPS] = minus;
            at = at == Qmf.TAPS - 1 ? 0 : at + 1;
            int out2 = 0;
            int out1 = 0;
            for (int i = 0; i < Qmf.TAPS; i++) {
                out2 += s[at + i] * c[i];
                out1 += d[at + i] * c[Qmf.TAPS - 1 - i];
            }
            // >> 11: 12 for the coefficients' gain, less 1 for the 15-bit ADPCM samples.
            pcm16k[off + 2 * j] = (short) G722Band.saturate(out1 >> 11);
            pcm16k[off + 2 * j + 1] = (short) G722Band.saturate(out2 >> 11);
        }
        ptr = at;
    }

    public void copyFrom(SubbandSynthesis other) {
        System.arraycopy(other.sum, 0, sum, 0, sum.length);
        System.arraycopy(other.diff, 0, diff, 0, diff.length);
        ptr = other.ptr;
    }

    public void reset() {
        Arrays.fill(sum, 0);
        Arrays.fill(diff, 0);
        ptr = 0;
    }
}
