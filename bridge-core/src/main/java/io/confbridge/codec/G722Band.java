package io.confbridge.codec;

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
    /*
     * The predictor's history, one field per tap rather than small arrays: block 4 runs twice per
     * sample pair for every G.722 caller in every meeting (quiet ones too, since ADPCM cannot skip a
     * frame), and scalar fields spare it the bounds checks, the index loops and the shifting of
     * arrays. The names are the recommendation's with the index appended.
     */
    /** Reconstructed signal one and two samples ago (r1, r2 of DELAYA). */
    private int r1;
    private int r2;
    /** Pole coefficients a1, a2. */
    private int a1;
    private int a2;
    /** Partially reconstructed signal (sz + d) one and two samples ago. */
    private int p1;
    private int p2;
    /** Quantised difference signal one to six samples ago. */
    private int d1;
    private int d2;
    private int d3;
    private int d4;
    private int d5;
    private int d6;
    /** Zero coefficients b1..b6. */
    private int b1;
    private int b2;
    private int b3;
    private int b4;
    private int b5;
    private int b6;
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
        r1 = 0;
        r2 = 0;
        a1 = 0;
        a2 = 0;
        p1 = 0;
        p2 = 0;
        d1 = 0;
        d2 = 0;
        d3 = 0;
        d4 = 0;
        d5 = 0;
        d6 = 0;
        b1 = 0;
        b2 = 0;
        b3 = 0;
        b4 = 0;
        b5 = 0;
        b6 = 0;
        nb = 0;
        det = initialDet;
    }

    void copyFrom(G722Band o) {
        s = o.s;
        sp = o.sp;
        sz = o.sz;
        r1 = o.r1;
        r2 = o.r2;
        a1 = o.a1;
        a2 = o.a2;
        p1 = o.p1;
        p2 = o.p2;
        d1 = o.d1;
        d2 = o.d2;
        d3 = o.d3;
        d4 = o.d4;
        d5 = o.d5;
        d6 = o.d6;
        b1 = o.b1;
        b2 = o.b2;
        b3 = o.b3;
        b4 = o.b4;
        b5 = o.b5;
        b6 = o.b6;
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
        int r0 = saturate(s + dx);
        int p0 = saturate(sz + dx);

        // The sign comparisons below follow the signal, so as branches they would be mispredicted
        // about half the time; they are done with masks instead. Every value compared is a 16-bit
        // quantity, so its sign (the reference's x >> 15) is the sign of the int, and two values'
        // signs differ exactly when (x ^ y) >> 31 is -1. (v ^ m) - m is v when m is 0, -v when -1.
        int differ01 = (p0 ^ p1) >> 31;
        int differ02 = (p0 ^ p2) >> 31;

        // UPPOL2: second pole, sign-sign adaptation with leakage, limited to +-0.375
        int wd1 = saturate(a1 << 2);
        int wd2 = (wd1 ^ ~differ01) - ~differ01;
        if (wd2 > 32767) {
            wd2 = 32767;
        }
        int wd3 = (wd2 >> 7) + ((128 ^ differ02) - differ02);
        wd3 += (a2 * 32512) >> 15;
        if (wd3 > 12288) {
            wd3 = 12288;
        } else if (wd3 < -12288) {
            wd3 = -12288;
        }
        int ap2 = wd3;

        // UPPOL1: first pole, limited so the two-pole section stays stable
        int ap1 = saturate(((192 ^ differ01) - differ01) + ((a1 * 32640) >> 15));
        wd3 = saturate(15360 - ap2);
        if (ap1 > wd3) {
            ap1 = wd3;
        } else if (ap1 < -wd3) {
            ap1 = -wd3;
        }

        // UPZERO: six zeros, sign-sign adaptation with leakage, against the differences before this
        // one: +step where a past difference has this one's sign, -step where not; no step when dx is 0.
        int step = ((dx | -dx) >>> 31) << 7;
        b1 = saturate(signed(step, d1 ^ dx) + ((b1 * 32640) >> 15));
        b2 = saturate(signed(step, d2 ^ dx) + ((b2 * 32640) >> 15));
        b3 = saturate(signed(step, d3 ^ dx) + ((b3 * 32640) >> 15));
        b4 = saturate(signed(step, d4 ^ dx) + ((b4 * 32640) >> 15));
        b5 = saturate(signed(step, d5 ^ dx) + ((b5 * 32640) >> 15));
        b6 = saturate(signed(step, d6 ^ dx) + ((b6 * 32640) >> 15));

        // DELAYA
        d6 = d5;
        d5 = d4;
        d4 = d3;
        d3 = d2;
        d2 = d1;
        d1 = dx;
        r2 = r1;
        r1 = r0;
        p2 = p1;
        p1 = p0;
        a2 = ap2;
        a1 = ap1;

        // FILTEP: pole section prediction
        sp = saturate(((a1 * saturate(r1 + r1)) >> 15) + ((a2 * saturate(r2 + r2)) >> 15));

        // FILTEZ: zero section prediction
        int acc = (b6 * saturate(d6 + d6)) >> 15;
        acc += (b5 * saturate(d5 + d5)) >> 15;
        acc += (b4 * saturate(d4 + d4)) >> 15;
        acc += (b3 * saturate(d3 + d3)) >> 15;
        acc += (b2 * saturate(d2 + d2)) >> 15;
        acc += (b1 * saturate(d1 + d1)) >> 15;
        sz = saturate(acc);

        // PREDIC
        s = saturate(sp + sz);
    }

    /** {@code v} when {@code signs}' sign bit is clear (the two signs agree), {@code -v} when set. */
    private static int signed(int v, int signs) {
        int m = signs >> 31;
        return (v ^ m) - m;
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
