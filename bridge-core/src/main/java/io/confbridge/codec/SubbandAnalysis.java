package io.confbridge.codec;

import java.util.Arrays;

/**
 * G.722's transmit QMF: 16 kHz PCM in, one lower-band and one higher-band sample per input pair out,
 * each at 8 kHz, exactly as spandsp's encoder computes {@code xlow} and {@code xhigh}. Stateful: it
 * keeps the last 12 pairs, so consecutive calls continue the signal seamlessly.
 *
 * <p>Scale: the lower band of a low-frequency signal of amplitude A is about A/2 (DC gain exactly 1/2,
 * see {@link G722Encoder}).
 */
public final class SubbandAnalysis {
    /**
     * First (even) and second (odd) sample of each of the last 12 pairs, each written twice (at i and
     * i + 12) so the 12 newest are always {@code [ptr, ptr + 12)} without a wrap test in the dot product.
     */
    private final int[] even = new int[2 * Qmf.TAPS];
    private final int[] odd = new int[2 * Qmf.TAPS];
    private int ptr;

    /**
     * Splits {@code 2 * pairs} samples of {@code pcm16k} from {@code off} into {@code pairs} samples
     * of each band, written at index 0 of {@code low} and {@code high}.
     */
    public void analyse(short[] pcm16k, int off, int pairs, int[] low, int[] high) {
        final int[] c = Qmf.COEFFS;
        final int[] e = even;
        final int[] o = odd;
        int at = ptr;
        for (int j = 0; j < pairs; j++) {
            int x0 = pcm16k[off + 2 * j];
            int x1 = pcm16k[off + 2 * j + 1];
            e[at] = x0;
            e[at + Qmf.TAPS] = x0;
            o[at] = x1;
            o[at + Qmf.TAPS] = x1;
            at = at == Qmf.TAPS - 1 ? 0 : at + 1;
            // Oldest pair at index at, newest at at + 11: the even phase runs the coefficients
            // forward, the odd phase backward (spandsp's sumodd and sumeven).
            int sumOdd = 0;
            int sumEven = 0;
            for (int i = 0; i < Qmf.TAPS; i++) {
                sumOdd += e[at + i] * c[i];
                sumEven += o[at + i] * c[Qmf.TAPS - 1 - i];
            }
            // >> 14: 12 for the coefficients' gain of 4096, 1 for adding two phases, 1 because the
            // ADPCM works on 15-bit samples.
            low[j] = (sumEven + sumOdd) >> 14;
            high[j] = (sumEven - sumOdd) >> 14;
        }
        ptr = at;
    }

    public void copyFrom(SubbandAnalysis other) {
        System.arraycopy(other.even, 0, even, 0, even.length);
        System.arraycopy(other.odd, 0, odd, 0, odd.length);
        ptr = other.ptr;
    }

    public void reset() {
        Arrays.fill(even, 0);
        Arrays.fill(odd, 0);
        ptr = 0;
    }
}
