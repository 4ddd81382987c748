package io.confbridge.dtmf;

import io.confbridge.codec.Codec;
import java.util.Arrays;

/**
 * Finds DTMF key presses in a call's decoded audio, for callers whose DTMF arrives as tones in the
 * voice stream rather than as RFC 4733 events or SIP INFO. One instance per call, fed by the call's
 * receive thread one 20 ms frame at a time; fields only, nothing allocated per frame.
 *
 * <p>How a press is recognised, against ITU-T Q.24:
 * <ol>
 *   <li>Goertzel filters at the eight DTMF frequencies run over blocks of {@value #BLOCK} samples
 *       (12.75 ms), independent of the 160-sample frames. Each block whose strongest row and column
 *       tones pass the level, twist, relative-peak and share-of-energy checks names a candidate key.</li>
 *   <li>A key is confirmed by two consecutive blocks with the same candidate (25.5 ms of tone) whose
 *       four half blocks carry the tones at a steady level (so the tone fills the pair), whose
 *       two tones are within {@value #TOLERANCE_PERCENT}% of nominal, measured from the phase
 *       advance between the blocks, and whose twist, measured over the pair, is within the limits.</li>
 *   <li>A confirmed key is reported once; the same key is reported again only after
 *       {@value #RELEASE_BLOCKS} blocks (38 ms) without it. A different key is a new press at once.</li>
 * </ol>
 *
 * <p>Why 102 samples: a tone of 40 ms (the shortest Q.24 makes us accept) always covers two whole
 * consecutive blocks (40 ms ≥ 3 × 12.75 ms), while the steady-level check needs at least
 * 102 + 2 × 0.8 × 51 = 184 samples, 23 ms, of tone (the longest Q.24 makes us reject). Blocks of a
 * whole 20 ms frame would need 60 ms of tone for the same two-block confirmation. The short block
 * also makes each Goertzel filter wide (main lobe ±78 Hz), so it cannot by itself reject a tone
 * 3.5% off nominal (24–57 Hz); the phase measurement does that to within a few hertz. A coarse
 * phase from the half blocks (lag 51 samples, unambiguous over the whole main lobe) settles the
 * aliasing of the fine one (lag 102, unambiguous only to ±39 Hz).
 *
 * <p>Speech and music are kept out by the share-of-energy check (the two tones carry most of the
 * block's energy, which voiced speech with its many harmonics and chords do not), the relative
 * peak check (no second strong row or column tone), and the need for both tones to hold a steady
 * level and frequency for 25 ms.
 *
 * <p>Twist follows the convention of Asterisk and spandsp: "normal" twist is the low (row) tone
 * louder than the high (column) one, accepted up to 8 dB; "reverse" twist the high tone louder,
 * accepted up to 4 dB.
 */
final class InbandDtmfDetector {

    /** Samples per Goertzel block; see the class description for why. */
    static final int BLOCK = 102;
    private static final int HALF = BLOCK / 2;
    /** Frequency tolerance, percent: Q.24 accepts ±1.5% and rejects ±3.5%; this splits the two. */
    static final double TOLERANCE_PERCENT = 2.5;
    /** Blocks without the held key before it counts as released: 38 ms, Q.24's 40 ms pause. */
    static final int RELEASE_BLOCKS = 3;

    private static final double[] FREQUENCIES = {697, 770, 852, 941, 1209, 1336, 1477, 1633};
    private static final char[] KEYS = "123A456B789C*0#D".toCharArray();
    private static final int ROWS = 4;

    /** Mean square of a full-scale sine, the 0 dBFS of the level figures below. */
    private static final double FULL_SCALE_SINE = 32767.0 * 32767.0 / 2;
    /** Quietest tone accepted, per frequency: -38 dBFS. */
    private static final double MIN_TONE_POWER = FULL_SCALE_SINE * dB(-38);
    /** Row tone louder than the column tone by at most 8 dB (normal twist). */
    private static final double NORMAL_TWIST = dB(8);
    /** Column tone louder than the row tone by at most 4 dB (reverse twist). */
    private static final double REVERSE_TWIST = dB(4);
    /**
     * The pair's twist check allows 0.5 dB over the limits: what remains of leakage over 204
     * samples moves the measurement by about ±0.3 dB, and a twist of exactly 8 (or 4) dB must pass.
     */
    private static final double TWIST_ALLOWANCE = dB(0.5);
    /**
     * One block's own twist check is this much (1.5 dB) looser, so that leakage does not make it
     * drop a block of a tone that the pair check, measured more precisely, accepts.
     */
    private static final double BLOCK_TWIST_MARGIN = dB(1.5);
    /**
     * The runner-up row (or column) must be this much weaker than the best: 6 dB. Not the 8 dB of
     * spandsp: in a 102-sample block a tone leaks into the neighbouring filters' sidelobes, and a
     * loud row tone (8 dB normal twist) together with the column tone's own leakage lifts the
     * filter next to the column tone to 7–8 dB below it.
     */
    private static final double RELATIVE_PEAK = dB(6);
    /** Share of a block's energy the two tones must carry. */
    private static final double TONE_SHARE = 0.6;
    /**
     * Power of the first and last half block of a confirming pair relative to the inner two: 0.64,
     * an amplitude of 0.8, that is a tone covering at least 80% of each outer half.
     */
    private static final double STEADY_SHARE = 0.64;

    private static final double[] COEFF = new double[8];
    private static final double[] COS = new double[8];
    private static final double[] SIN = new double[8];
    /** Nominal phase advance of each frequency over a half block and over a block. */
    private static final double[] HALF_ADVANCE = new double[8];
    private static final double[] BLOCK_ADVANCE = new double[8];

    /** cos and sin of each frequency's phase over a half block's span, (HALF - 1) samples. */
    private static final double[] END_COS = new double[8];
    private static final double[] END_SIN = new double[8];
    /**
     * For each key (row × 4 + column): the response of the row's half-block filter to a unit
     * complex tone at the column frequency, the sum of e^{jΔn} over n &lt; HALF.
     */
    private static final double[] LEAK_RE = new double[16];
    private static final double[] LEAK_IM = new double[16];

    static {
        for (int r = 0; r < ROWS; r++) {
            for (int c = ROWS; c < 8; c++) {
                double delta = 2 * Math.PI * (FREQUENCIES[c] - FREQUENCIES[r]) / Codec.CLOCK_RATE;
                for (int n = 0; n < HALF; n++) {
                    LEAK_RE[r * ROWS + c - ROWS] += Math.cos(delta * n);
                    LEAK_IM[r * ROWS + c - ROWS] += Math.sin(delta * n);
                }
            }
        }
        for (int k = 0; k < 8; k++) {
            END_COS[k] = Math.cos(2 * Math.PI * FREQUENCIES[k] / Codec.CLOCK_RATE * (HALF - 1));
            END_SIN[k] = Math.sin(2 * Math.PI * FREQUENCIES[k] / Codec.CLOCK_RATE * (HALF - 1));
            double w = 2 * Math.PI * FREQUENCIES[k] / Codec.CLOCK_RATE;
            COEFF[k] = 2 * Math.cos(w);
            COS[k] = Math.cos(w);
            SIN[k] = Math.sin(w);
            HALF_ADVANCE[k] = w * HALF;
            BLOCK_ADVANCE[k] = w * BLOCK;
        }
    }

    // Goertzel state of the block being filled, and its state at the half-way point.
    private final double[] s1 = new double[8];
    private final double[] s2 = new double[8];
    private final double[] mid1 = new double[8];
    private final double[] mid2 = new double[8];
    private double blockEnergy;
    private int filled;

    // Results of the last complete block (cur) and the one before (prev): complex outputs of each
    // filter over the whole block and over its two halves, each referred to the end of its span.
    private Spectrum cur = new Spectrum();
    private Spectrum prev = new Spectrum();

    /** The key held down now (reported already), or NONE. */
    private char held;
    /** Blocks in a row without the held key. */
    private int missed;
    /** A confirmed key not yet returned: at most one is possible per frame, this is the safe way. */
    private char unreported;

    /**
     * Feeds one frame of decoded audio.
     *
     * @param pcm 8 kHz 16-bit linear samples
     * @param offset where the frame's {@link Codec#FRAME_SAMPLES} samples start
     * @return the key if a new press was recognised in this frame, else {@link DtmfKey#NONE}
     */
    char onFrame(short[] pcm, int offset) {
        for (int i = offset, end = offset + Codec.FRAME_SAMPLES; i < end; i++) {
            double x = pcm[i];
            blockEnergy += x * x;
            for (int k = 0; k < 8; k++) {
                double s0 = x + COEFF[k] * s1[k] - s2[k];
                s2[k] = s1[k];
                s1[k] = s0;
            }
            if (++filled == HALF) {
                System.arraycopy(s1, 0, mid1, 0, 8);
                System.arraycopy(s2, 0, mid2, 0, 8);
            } else if (filled == BLOCK) {
                endBlock();
            }
        }
        char key = unreported;
        unreported = DtmfKey.NONE;
        return key;
    }

    /**
     * Whether a key's tones are sounding: one is held, or the last block already looks like one (so the
     * caller's audio can be kept out of a meeting from the first block on, before confirmation).
     */
    boolean toneSounding() {
        return held != DtmfKey.NONE || cur.key != DtmfKey.NONE;
    }

    private void clearFilters() {
        Arrays.fill(s1, 0);
        Arrays.fill(s2, 0);
        blockEnergy = 0;
        filled = 0;
    }

    private void endBlock() {
        Spectrum swap = prev;
        prev = cur;
        cur = swap;
        cur.capture(s1, s2, mid1, mid2, blockEnergy);
        clearFilters();

        char candidate = cur.key;
        boolean confirmed = candidate != DtmfKey.NONE && candidate == prev.key
                && isSteady(cur.row, cur.col) && isOnFrequency(cur.row) && isOnFrequency(cur.col)
                && isTwistAllowed(pairPower(cur.row), pairPower(cur.col), TWIST_ALLOWANCE);

        if (held != DtmfKey.NONE) {
            if (candidate == held) {
                missed = 0;
            } else if (++missed >= RELEASE_BLOCKS) {
                held = DtmfKey.NONE;
            }
        }
        if (confirmed && candidate != held) {
            held = candidate;
            missed = 0;
            if (unreported == DtmfKey.NONE) {
                unreported = candidate;
            }
        }
    }

    /**
     * Whether the tones fill the pair of blocks: the outer half blocks as strong as the inner ones,
     * so that a tone starting or stopping inside the pair does not confirm.
     */
    private boolean isSteady(int row, int col) {
        double first = prev.halfTonePower(0, row, col);
        double inner = (prev.halfTonePower(1, row, col) + cur.halfTonePower(0, row, col)) / 2;
        double last = cur.halfTonePower(1, row, col);
        return first >= STEADY_SHARE * inner && last >= STEADY_SHARE * inner;
    }

    /** Whether filter k's tone lies within the tolerance, from its phase advance over the two blocks. */
    private boolean isOnFrequency(int k) {
        // coarse: the mean phase error over the three half-block steps, unambiguous to ±78 Hz; each
        // step is compared with the nominal advance before averaging, as the raw phases wrap at ±π
        double nominal = HALF_ADVANCE[k];
        double coarse = wrap(advance(prev.halfRe[0][k], prev.halfIm[0][k], prev.halfRe[1][k], prev.halfIm[1][k]) - nominal)
                + wrap(advance(prev.halfRe[1][k], prev.halfIm[1][k], cur.halfRe[0][k], cur.halfIm[0][k]) - nominal)
                + wrap(advance(cur.halfRe[0][k], cur.halfIm[0][k], cur.halfRe[1][k], cur.halfIm[1][k]) - nominal);
        double coarseHz = coarse / 3 * Codec.CLOCK_RATE / (2 * Math.PI * HALF);
        // fine: block to block, exact to a few hertz but only modulo 8000/102 Hz
        double fineHz = wrap(advance(prev.re[k], prev.im[k], cur.re[k], cur.im[k]) - BLOCK_ADVANCE[k])
                * Codec.CLOCK_RATE / (2 * Math.PI * BLOCK);
        double period = (double) Codec.CLOCK_RATE / BLOCK;
        double offsetHz = fineHz + period * Math.rint((coarseHz - fineHz) / period);
        return Math.abs(offsetHz) <= FREQUENCIES[k] * TOLERANCE_PERCENT / 100;
    }

    /**
     * The power of filter k over both blocks of the pair, normalised like {@link Spectrum#power}.
     * Twist is judged on this: over 204 samples the leakage of one tone into the other's filter is
     * half what it is in one block, where it moves the measured twist by up to ±1 dB.
     */
    private double pairPower(int k) {
        double c = Math.cos(BLOCK_ADVANCE[k]);
        double s = Math.sin(BLOCK_ADVANCE[k]);
        double re = prev.re[k] * c - prev.im[k] * s + cur.re[k];
        double im = prev.re[k] * s + prev.im[k] * c + cur.im[k];
        return 2 * (re * re + im * im) / (4.0 * BLOCK * BLOCK);
    }

    /** Whether the twist is within the limits, each widened by the factor {@code margin}. */
    private static boolean isTwistAllowed(double rowPower, double colPower, double margin) {
        return rowPower <= colPower * NORMAL_TWIST * margin && colPower <= rowPower * REVERSE_TWIST * margin;
    }

    /** The phase of b relative to a: arg(b · conj(a)). */
    private static double advance(double aRe, double aIm, double bRe, double bIm) {
        return Math.atan2(bIm * aRe - bRe * aIm, bRe * aRe + bIm * aIm);
    }

    private static double wrap(double phase) {
        return phase - 2 * Math.PI * Math.rint(phase / (2 * Math.PI));
    }

    private static double dB(double decibels) {
        return Math.pow(10, decibels / 10);
    }

    /** One block's filter outputs and the candidate key they name. */
    private static final class Spectrum {
        final double[] re = new double[8];
        final double[] im = new double[8];
        /** Powers normalised to the mean square of the tone: a sine of amplitude A gives A²/2. */
        final double[] power = new double[8];
        final double[][] halfRe = new double[2][8];
        final double[][] halfIm = new double[2][8];
        char key;
        int row;
        int col;

        void capture(double[] s1, double[] s2, double[] mid1, double[] mid2, double energy) {
            for (int k = 0; k < 8; k++) {
                // y = s1 - e^{-jw} s2 = sum of x[n] e^{jw(N-1-n)}: the block's DFT at w, phase
                // referred to the block's last sample
                re[k] = s1[k] - COS[k] * s2[k];
                im[k] = SIN[k] * s2[k];
                power[k] = 2 * (re[k] * re[k] + im[k] * im[k]) / ((double) BLOCK * BLOCK);
                double firstRe = mid1[k] - COS[k] * mid2[k];
                double firstIm = SIN[k] * mid2[k];
                halfRe[0][k] = firstRe;
                halfIm[0][k] = firstIm;
                // the second half is the whole minus the first half carried forward by 51 samples
                double c = Math.cos(HALF_ADVANCE[k]);
                double s = Math.sin(HALF_ADVANCE[k]);
                halfRe[1][k] = re[k] - (firstRe * c - firstIm * s);
                halfIm[1][k] = im[k] - (firstRe * s + firstIm * c);
            }
            key = classify(energy / BLOCK);
        }

        /**
         * The mean square of the row and column tones in one half block. Over 51 samples each tone
         * leaks up to 15% of its amplitude into the other's filter (941 and 1209 Hz are 1.7 filter
         * widths apart), enough to make a steady tone look unsteady; so the two filter outputs are
         * taken as what they are, u = αM + βG and v = αG* + βM for tone amplitudes α and β and the
         * leakage G of one frequency into the other's filter, and solved for α and β.
         */
        double halfTonePower(int half, int row, int col) {
            // u and v: the outputs referred to the half block's first sample, times two (the real
            // tone's positive-frequency half)
            double yr = halfRe[half][row];
            double yi = halfIm[half][row];
            double ur = 2 * (yr * END_COS[row] + yi * END_SIN[row]);
            double ui = 2 * (yi * END_COS[row] - yr * END_SIN[row]);
            yr = halfRe[half][col];
            yi = halfIm[half][col];
            double vr = 2 * (yr * END_COS[col] + yi * END_SIN[col]);
            double vi = 2 * (yi * END_COS[col] - yr * END_SIN[col]);
            int pair = row * ROWS + col - ROWS;
            double gr = LEAK_RE[pair];
            double gi = LEAK_IM[pair];
            double det = (double) HALF * HALF - (gr * gr + gi * gi);
            double ar = (ur * HALF - (vr * gr - vi * gi)) / det;
            double ai = (ui * HALF - (vr * gi + vi * gr)) / det;
            double br = (vr * HALF - (ur * gr + ui * gi)) / det;
            double bi = (vi * HALF - (ui * gr - ur * gi)) / det;
            return (ar * ar + ai * ai + br * br + bi * bi) / 2;
        }

        private char classify(double meanSquare) {
            row = strongest(0);
            col = strongest(ROWS);
            double rowPower = power[row];
            double colPower = power[col];
            if (rowPower < MIN_TONE_POWER || colPower < MIN_TONE_POWER) {
                return DtmfKey.NONE;
            }
            if (!isTwistAllowed(rowPower, colPower, BLOCK_TWIST_MARGIN)) {
                return DtmfKey.NONE;
            }
            for (int k = 0; k < 8; k++) {
                if (k != row && k != col && power[k] * RELATIVE_PEAK > (k < ROWS ? rowPower : colPower)) {
                    return DtmfKey.NONE;
                }
            }
            if (rowPower + colPower < TONE_SHARE * meanSquare) {
                return DtmfKey.NONE;
            }
            return KEYS[row * ROWS + col - ROWS];
        }

        private int strongest(int from) {
            int best = from;
            for (int k = from + 1; k < from + ROWS; k++) {
                if (power[k] > power[best]) {
                    best = k;
                }
            }
            return best;
        }
    }
}
