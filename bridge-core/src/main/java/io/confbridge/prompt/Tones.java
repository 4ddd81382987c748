package io.confbridge.prompt;

/**
 * The short chimes a meeting plays when someone joins or leaves: two soft bell-like notes, rising
 * (G5 → C6) for a join and falling (C6 → G5) for a leave, about 300 ms, peaking at -12 dBFS.
 * Synthesised once, deterministically, and shared.
 */
public final class Tones {

    private static final double G5 = 783.99;
    private static final double C6 = 1046.50;
    private static final double NOTE_GAP_S = 0.11;
    private static final double LENGTH_S = 0.32;

    private static final EncodedAudio JOIN = EncodedAudio.fromPcm("join tone", chime(G5, C6));
    private static final EncodedAudio LEAVE = EncodedAudio.fromPcm("leave tone", chime(C6, G5));

    private Tones() {
    }

    /** Played to the meeting when a caller joins it. */
    public static EncodedAudio joinTone() {
        return JOIN;
    }

    /** Played to the meeting when a caller leaves it. */
    public static EncodedAudio leaveTone() {
        return LEAVE;
    }

    private static short[] chime(double first, double second) {
        int length = (int) Math.round(LENGTH_S * Resampler.NARROWBAND_RATE);
        double[] mix = new double[length];
        addBell(mix, first, 0);
        addBell(mix, second, (int) Math.round(NOTE_GAP_S * Resampler.NARROWBAND_RATE));
        // The last 20 ms fade to zero, so the clip ends without a click however it is cut off.
        int fade = Resampler.NARROWBAND_RATE / 50;
        for (int i = 0; i < fade; i++) {
            mix[length - fade + i] *= 0.5 + 0.5 * Math.cos(Math.PI * (i + 1) / fade);
        }
        return Synthesis.normalise(mix, Synthesis.MINUS_12_DBFS);
    }

    /** A bell-ish note: a 5 ms attack, then an exponential decay; a touch of the octave for colour. */
    private static void addBell(double[] mix, double frequency, int start) {
        double attack = 0.005 * Resampler.NARROWBAND_RATE;
        double decay = 0.09 * Resampler.NARROWBAND_RATE;
        for (int i = 0; start + i < mix.length; i++) {
            double envelope = (i < attack ? i / attack : 1) * Math.exp(-i / decay);
            double t = (double) i / Resampler.NARROWBAND_RATE;
            mix[start + i] += envelope * (Math.sin(2 * Math.PI * frequency * t)
                    + 0.2 * Math.exp(-i / (decay / 2)) * Math.sin(4 * Math.PI * frequency * t));
        }
    }
}
