package io.confbridge.mixer;

import io.confbridge.codec.Codec;

/**
 * Voice activity of one participant, decided once per 20 ms tick: is this person talking?
 *
 * <p>A frame is voice when its energy stands {@link #ABOVE_FLOOR_DB} above the participant's own
 * noise floor and above an absolute minimum. The floor follows the quietest frames quickly and rises
 * slowly ({@link #FLOOR_RISE_DB_PER_TICK}), so a steady sound (a fan, a hum, music from a phone put
 * on hold into the meeting) becomes floor within 20 s at most while speech, which has pauses, stays
 * above it. After the last voiced frame the participant stays a talker for {@link #HANGOVER_TICKS},
 * so the ends of words and the gaps between them are not cut.
 *
 * <p>Energies are mean squares of 16-bit samples; doubles on fields only, so nothing is allocated.
 * Owned by the mixer's loop.
 */
final class TalkerDetector {
    static final double ABOVE_FLOOR_DB = 9;
    /** About 2.5 dB a second: a steady sound is floor after roughly 20 s at the very most. */
    static final double FLOOR_RISE_DB_PER_TICK = 0.05;
    static final int HANGOVER_TICKS = 15;
    /** Below this a frame is never voice: about -55 dBFS, under any real talker, above G.711 idle noise. */
    static final double ABSOLUTE_MIN = meanSquareOfDbfs(-55);
    private static final double FLOOR_MIN = meanSquareOfDbfs(-70);
    private static final double ABOVE_FLOOR = Math.pow(10, ABOVE_FLOOR_DB / 10);
    private static final double FLOOR_RISE = Math.pow(10, FLOOR_RISE_DB_PER_TICK / 10);
    /** How fast the floor drops towards a quieter frame (per tick). */
    private static final double FLOOR_FALL = 0.2;
    /** Smoothing of the level used to rank talkers (per tick). */
    private static final double LEVEL_SMOOTHING = 0.3;

    private double floor = FLOOR_MIN;
    private double level;
    private int hangover;
    private boolean talking;

    /** The mean square of a full-scale-relative level: what a sine of that RMS level gives. */
    static double meanSquareOfDbfs(double dbfs) {
        double rms = 32768 * Math.pow(10, dbfs / 20);
        return rms * rms;
    }

    /**
     * One tick: {@code frame} is this tick's audio, or null when no packet came (or muted). Returns
     * whether the participant is a talker now.
     */
    boolean update(short[] frame) {
        return update(frame, null);
    }

    /**
     * Like {@link #update(short[])}, with a G.722 frame's high band ({@code high}, null for none): its
     * energy counts too, so a talker of mostly high sounds (an "s") stays heard as talking. Only a
     * participant in the mix has its high band decoded; anyone else is measured on the low band, where
     * speech starts (voiced sounds; a 4-8 kHz sound still leaks into the low band about 20 dB down).
     */
    boolean update(short[] frame, short[] high) {
        if (frame == null) {
            level *= 1 - LEVEL_SMOOTHING;
            return talking = hangover > 0 && --hangover > 0;
        }
        long sum = 0;
        for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
            int s = frame[i];
            sum += (long) s * s;
        }
        if (high != null) {
            for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
                int s = high[i];
                sum += (long) s * s;
            }
        }
        double energy = (double) sum / Codec.FRAME_SAMPLES;
        level += (energy - level) * LEVEL_SMOOTHING;
        boolean voiced = energy > ABSOLUTE_MIN && energy > floor * ABOVE_FLOOR;
        if (energy < floor) {
            floor = Math.max(FLOOR_MIN, floor + (energy - floor) * FLOOR_FALL);
        } else {
            floor = Math.min(energy, floor * FLOOR_RISE);
        }
        if (voiced) {
            hangover = HANGOVER_TICKS;
        } else if (hangover > 0) {
            hangover--;
        }
        return talking = hangover > 0;
    }

    boolean talking() {
        return talking;
    }

    /** Smoothed energy, to rank talkers: the loudest are heard. */
    double level() {
        return level;
    }
}
