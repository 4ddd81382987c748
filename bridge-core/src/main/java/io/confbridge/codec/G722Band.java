package io.confbridge.codec;

import java.util.Arrays;

/**
 * The ADPCM state of one G.722 subband (lower or higher) and block 4 of the recommendation, the
 * adaptive predictor both bands and both directions share: reconstruct, update the two-pole and
 * six-zero predictor, predict the next sample. Encoder and decoder run the same block 4 on the same
 * quantised difference, which is what keeps them in step.
 *
 * <p>Fixed point exactly as the ITU-T reference and spandsp: every state value is a 16-bit quantity,
 * saturated where the reference saturates, held in an {@code int} (so {@code >> 15} gives the sign as
 * 0 or -1 as on an {@code int16_t}). Field names follow the recommendation.
 */
final class G722Band {
    /** Predicted signal (sp + sz), the pole part, the zero part. */
    int s;
    int sp;
    int sz;
    /** Reconstructed signal, now and the two before. */
    final int[] r = new int[3];
    /** Pole coefficients (index 1 and 2 used) and their updates. */
    final int[] a = new int[3];
    final int[] ap = new int[3];
    /** Partially reconstructed signal (sz + d), now and the two before. */
    final int[] p = new int[3];
    /** Quantised difference signal, now and the six before. */
    final int[] d = new int[7];
    /** Zero coefficients (index 1..6 used) and their updates. */
    final int[] b = new int[7];
    final int[] bp = new int[7];
    /** Signs (0 or -1) scratch of block 4; state in the reference, kept so copies are exact. */
    final int[] sg = new int[7];
    /** Log scale factor and the scale factor (quantiser step) derived from it. */
    int nb;
    int det;

    private final int initialDet;

    /** @param initialDet the reset step size: 32 for the lower band, 8 for the higher. */
    G722Band(int initialDet) {
        this.initialDet = initialDet;
        reset();
    }

    void reset() {
        s = 0;
        sp = 0;
        sz = 0;
        Arrays.fill(r, 0);
        Arrays.fill(a, 0);
        Arrays.fill(ap, 0);
        Arrays.fill(p, 0);
        Arrays.fill(d, 0);
        Arrays.fill(b, 0);
        Arrays.fill(bp, 0);
        Arrays.fill(sg, 0);
        nb = 0;
        det = initialDet;
    }

    void copyFrom(G722Band o) {
        s = o.s;
        sp = o.sp;
        sz = o.sz;
        System.arraycopy(o.r, 0, r, 0, 3);
        System.arraycopy(o.a, 0, a, 0, 3);
        System.arraycopy(o.ap, 0, ap, 0, 3);
        System.arraycopy(o.p, 0, p, 0, 3);
        System.arraycopy(o.d, 0, d, 0, 7);
        System.arraycopy(o.b, 0, b, 0, 7);
        System.arraycopy(o.bp, 0, bp, 0, 7);
        System.arraycopy(o.sg, 0, sg, 0, 7);
        nb = o.nb;
        det = o.det;
    }

    /** Block 2L INVQAL: the lower band's quantised difference from the 4-bit truncated code. */
    int dequantLow4(int ril) {
        return (det * QM4[ril]) >> 15;
    }

    /** Block 2H INVQAH: the higher band's quantised difference from its 2-bit code. */
    int dequantHigh(int ihigh) {
        return (det * QM2[ihigh]) >> 15;
    }

    /** Blocks 3L LOGSCL and SCALEL: adapt the lower band's step to the code just sent. */
    void adaptLow(int ril) {
        int wd = ((nb * 127) >> 7) + WL[RL42[ril]];
        nb = wd < 0 ? 0 : Math.min(wd, 18432);
        scale(8);
    }

    /** Blocks 3H LOGSCH and SCALEH: adapt the higher band's step to the code just sent. */
    void adaptHigh(int ihigh) {
        int wd = ((nb * 127) >> 7) + WH[RH2[ihigh]];
        nb = wd < 0 ? 0 : Math.min(wd, 22528);
        scale(10);
    }

    /** Blocks 3L/3H SCALEL/SCALEH: the step size from the log scale factor, by table and shift. */
    private void scale(int shift) {
        int wd1 = (nb >> 6) & 31;
        int wd2 = shift - (nb >> 11);
        int wd3 = wd2 < 0 ? ILB[wd1] << -wd2 : ILB[wd1] >> wd2;
        det = wd3 << 2;
    }

    /** Block 4 on the quantised difference {@code dx}: reconstruct, adapt, predict the next sample. */
    void block4(int dx) {
        // RECONS, PARREC
        d[0] = dx;
        r[0] = saturate(s + dx);
        p[0] = saturate(sz + dx);

        // UPPOL2: second pole, sign-sign adaptation with leakage, limited to +-0.375
        for (int i = 0; i < 3; i++) {
            sg[i] = p[i] >> 15;
        }
        int wd1 = saturate(a[1] << 2);
        int wd2 = sg[0] == sg[1] ? -wd1 : wd1;
        if (wd2 > 32767) {
            wd2 = 32767;
        }
        int wd3 = (wd2 >> 7) + (sg[0] == sg[2] ? 128 : -128);
        wd3 += (a[2] * 32512) >> 15;
        if (wd3 > 12288) {
            wd3 = 12288;
        } else if (wd3 < -12288) {
            wd3 = -12288;
        }
        ap[2] = wd3;

        // UPPOL1: first pole, limited so the two-pole section stays stable
        sg[0] = p[0] >> 15;
        sg[1] = p[1] >> 15;
        wd1 = sg[0] == sg[1] ? 192 : -192;
        wd2 = (a[1] * 32640) >> 15;
        ap[1] = saturate(wd1 + wd2);
        wd3 = saturate(15360 - ap[2]);
        if (ap[1] > wd3) {
            ap[1] = wd3;
        } else if (ap[1] < -wd3) {
            ap[1] = -wd3;
        }

        // UPZERO: six zeros, sign-sign adaptation with leakage
        wd1 = dx == 0 ? 0 : 128;
        sg[0] = dx >> 15;
        for (int i = 1; i < 7; i++) {
            sg[i] = d[i] >> 15;
            wd2 = sg[i] == sg[0] ? wd1 : -wd1;
            wd3 = (b[i] * 32640) >> 15;
            bp[i] = saturate(wd2 + wd3);
        }

        // DELAYA
        for (int i = 6; i > 0; i--) {
            d[i] = d[i - 1];
            b[i] = bp[i];
        }
        for (int i = 2; i > 0; i--) {
            r[i] = r[i - 1];
            p[i] = p[i - 1];
            a[i] = ap[i];
        }

        // FILTEP: pole section prediction
        wd1 = saturate(r[1] + r[1]);
        wd1 = (a[1] * wd1) >> 15;
        wd2 = saturate(r[2] + r[2]);
        wd2 = (a[2] * wd2) >> 15;
        sp = saturate(wd1 + wd2);

        // FILTEZ: zero section prediction
        int acc = 0;
        for (int i = 6; i > 0; i--) {
            wd1 = saturate(d[i] + d[i]);
            acc += (b[i] * wd1) >> 15;
        }
        sz = saturate(acc);

        // PREDIC
        s = saturate(sp + sz);
    }

    static int saturate(int v) {
        return v > 32767 ? 32767 : (v < -32768 ? -32768 : v);
    }

    /** The inverse log table of SCALEL/SCALEH (2^(i/32) in Q11). */
    private static final int[] ILB = {
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
        2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008
    };

    /** Inverse quantiser of the lower band truncated to 4 bits (the predictor sees only these). */
    static final int[] QM4 = {
        0, -20456, -12896, -8968, -6288, -4240, -2584, -1200,
        20456, 12896, 8968, 6288, 4240, 2584, 1200, 0
    };
    /** Inverse quantiser of the higher band's 2 bits. */
    static final int[] QM2 = {-7408, -1616, 7408, 1616};
    /** Log scale factor multipliers and the code to multiplier index maps of both bands. */
    private static final int[] WL = {-60, -30, 58, 172, 334, 538, 1198, 3042};
    private static final int[] RL42 = {0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0};
    private static final int[] WH = {0, -214, 798};
    private static final int[] RH2 = {2, 1, 2, 1};
}
