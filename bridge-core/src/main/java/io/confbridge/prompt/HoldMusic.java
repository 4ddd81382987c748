package io.confbridge.prompt;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What callers hear in the lobby: a built-in synthesised loop, or any WAV file.
 *
 * <p>The built-in loop is 20 s (1000 frames): eight bars of 2.5 s (96 bpm, 4/4) over the
 * progression Cmaj7 – Am7 – Dm7 – G7 – Cmaj7 – Am7 – Fmaj7 – G7sus4, with
 * <ul>
 *   <li>a pad: the chord's four notes, each two slightly detuned sines (a slow chorus) with a
 *       little second harmonic, swelling in over 0.6 s and releasing over 0.8 s into the next
 *       chord;</li>
 *   <li>a soft bass on beats one and three, its second harmonic carrying it through telephone
 *       band-pass filters that cut the fundamental;</li>
 *   <li>a gentle eighth-note arpeggio an octave above the pad, bell-like (fast attack,
 *       exponential decay), with a second pattern in the second half.</li>
 * </ul>
 * It is rendered circularly: the tail of every note that rings past the end is added at the
 * start, so the loop seam is as smooth as any other instant. It is rendered at 16 kHz, a wideband
 * clip like the built-in prompts, so G.722 callers get it through the codec's full path; all its
 * partials stay below 2.2 kHz, inside the resampler's pass band, so the 8 kHz version G.711 callers
 * hear is the same music as when the loop was rendered at 8 kHz. The mix is normalised to a
 * -12 dBFS peak. Rendering is pure arithmetic, so the loop is the same on every run; it is built
 * once and shared.
 */
public final class HoldMusic {

    private static final int RATE = Resampler.WIDEBAND_RATE;
    private static final double BAR_S = 2.5;
    private static final int BARS = 8;
    private static final int LOOP_SAMPLES = (int) (BAR_S * BARS * RATE);

    /** Chord voicings as MIDI note numbers, one per bar. */
    private static final int[][] CHORDS = {
        {60, 64, 67, 71}, // Cmaj7
        {57, 60, 64, 67}, // Am7
        {62, 65, 69, 72}, // Dm7
        {55, 59, 62, 65}, // G7
        {60, 64, 67, 71}, // Cmaj7
        {57, 60, 64, 67}, // Am7
        {53, 57, 60, 64}, // Fmaj7
        {55, 60, 62, 65}, // G7sus4
    };
    /** Bass roots (MIDI), one per bar. */
    private static final int[] ROOTS = {48, 45, 50, 43, 48, 45, 41, 43};
    /** Arpeggio patterns: indexes into the chord, eight eighth notes per bar. */
    private static final int[] PATTERN_A = {0, 1, 2, 3, 2, 1, 2, 3};
    private static final int[] PATTERN_B = {3, 2, 0, 1, 2, 3, 1, 2};

    private HoldMusic() {
    }

    /** The built-in loop (see the class description). */
    public static EncodedAudio synthesized() {
        return Synthesized.LOOP;
    }

    /**
     * Hold music from a WAV file, converted to mono (16 kHz for a file of 16 kHz or more, 8 kHz
     * otherwise; see {@link WavReader#readKeepingWideband}); played as a loop from its start.
     */
    public static EncodedAudio fromWav(Path file) throws IOException {
        return WavReader.readKeepingWideband(file).encode("hold music " + file);
    }

    /** Built on first use: the render takes a moment and not every process needs it. */
    private static final class Synthesized {
        static final EncodedAudio LOOP = EncodedAudio.fromWidebandPcm("hold music (built-in)", render());
    }

    /** Renders the loop at 16 kHz; package-private so a test can check it is deterministic. */
    static short[] render() {
        double[] mix = new double[LOOP_SAMPLES];
        int bar = (int) (BAR_S * RATE);
        int eighth = bar / 8;
        for (int b = 0; b < BARS; b++) {
            int barStart = b * bar;
            for (int note : CHORDS[b]) {
                addPadNote(mix, frequency(note), barStart, bar);
            }
            addBassNote(mix, frequency(ROOTS[b]), barStart);
            addBassNote(mix, frequency(ROOTS[b]), barStart + bar / 2);
            int[] pattern = b < BARS / 2 ? PATTERN_A : PATTERN_B;
            for (int step = 0; step < 8; step++) {
                double accent = step % 4 == 0 ? 1.0 : 0.75;
                addArpeggioNote(mix, frequency(CHORDS[b][pattern[step]] + 12), barStart + step * eighth, accent);
            }
        }
        return Synthesis.normalise(mix, Synthesis.MINUS_12_DBFS);
    }

    private static double frequency(int midiNote) {
        return 440 * Math.pow(2, (midiNote - 69) / 12.0);
    }

    /** Adds {@code value} at {@code index} modulo the loop length: the circular render. */
    private static void add(double[] mix, int index, double value) {
        mix[index % mix.length] += value;
    }

    private static void addPadNote(double[] mix, double frequency, int start, int sustain) {
        int attack = (int) (0.6 * RATE);
        int release = (int) (0.8 * RATE);
        int length = sustain + release;
        for (int i = 0; i < length; i++) {
            double envelope;
            if (i < attack) {
                envelope = 0.5 - 0.5 * Math.cos(Math.PI * i / attack);
            } else if (i < sustain) {
                envelope = 1;
            } else {
                envelope = 0.5 + 0.5 * Math.cos(Math.PI * (i - sustain) / release);
            }
            double t = (double) (start + i) / RATE;
            double tone = Math.sin(2 * Math.PI * frequency * t)
                    + Math.sin(2 * Math.PI * frequency * 1.003 * t)
                    + 0.15 * Math.sin(4 * Math.PI * frequency * t);
            add(mix, start + i, 0.11 * envelope * tone);
        }
    }

    private static void addBassNote(double[] mix, double frequency, int start) {
        int attack = (int) (0.02 * RATE);
        double decay = 0.7 * RATE;
        int length = (int) (1.25 * RATE);
        int release = (int) (0.1 * RATE);
        for (int i = 0; i < length; i++) {
            double envelope = pluckEnvelope(i, attack, decay, length, release);
            double t = (double) i / RATE;
            double tone = Math.sin(2 * Math.PI * frequency * t) + 0.6 * Math.sin(4 * Math.PI * frequency * t);
            add(mix, start + i, 0.22 * envelope * tone);
        }
    }

    private static void addArpeggioNote(double[] mix, double frequency, int start, double accent) {
        int attack = (int) (0.008 * RATE);
        double decay = 0.45 * RATE;
        int length = (int) (1.5 * RATE);
        int release = (int) (0.1 * RATE);
        for (int i = 0; i < length; i++) {
            double envelope = pluckEnvelope(i, attack, decay, length, release);
            double t = (double) i / RATE;
            double tone = Math.sin(2 * Math.PI * frequency * t)
                    + 0.25 * Math.exp(-i / (decay / 3)) * Math.sin(4 * Math.PI * frequency * t);
            add(mix, start + i, 0.16 * accent * envelope * tone);
        }
    }

    /**
     * A plucked note's loudness at sample {@code i}: a linear attack, an exponential decay, and a
     * raised-cosine release over the last {@code release} samples so the note ends without a click.
     */
    private static double pluckEnvelope(int i, int attack, double decay, int length, int release) {
        double envelope = (i < attack ? (double) i / attack : 1) * Math.exp(-i / decay);
        if (i >= length - release) {
            envelope *= 0.5 + 0.5 * Math.cos(Math.PI * (i - (length - release)) / release);
        }
        return envelope;
    }
}
