package io.confbridge.codec;

/**
 * The 24-tap quadrature mirror filter of G.722, as 12 coefficients: the filter is symmetric in the
 * sense that the odd phase uses them in reverse. They sum to 4096 (so the 24 taps sum to 8192), which
 * fixes the subband scale: see {@link G722Encoder}.
 */
final class Qmf {
    static final int[] COEFFS = {3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11};
    /** Taps per phase; a history ring holds each phase twice so a dot product never wraps. */
    static final int TAPS = 12;

    private Qmf() {
    }
}
