package io.confbridge.codec;

/**
 * The scale between 8 kHz audio and G.722's subbands, which the mixer works in.
 *
 * <p>G.722 splits 16 kHz audio into a low band (0–4 kHz) and a high band (4–8 kHz), each sampled at
 * 8 kHz. Its QMF analysis has a gain of one half (its 24 taps sum to 8192, scaled down by 2^14), so a
 * low-frequency sound of amplitude A comes out of the low band at A/2, and the synthesis doubles it
 * back. The mixer keeps its sums at twice the subband scale ("mix scale"): there the low band of a G.722
 * talker and the samples of a G.711 talker have the same level for the same sound, so a narrowband
 * caller is simply all low band, and a meeting with no wideband talker mixes exactly as a G.711-only
 * meeting always has.
 */
public final class Subbands {
    private Subbands() {
    }

    /** The G.722 low-band sample carrying an 8 kHz (narrowband) sample. */
    public static int lowOfNarrowband(int pcm) {
        return pcm >> 1;
    }

    /** A subband sample (either band) at mix scale. */
    public static int toMixScale(int subband) {
        return subband << 1;
    }

    /** A mix-scale sample as a subband sample, for the G.722 encoder. */
    public static int toSubband(int mix) {
        return mix >> 1;
    }
}
