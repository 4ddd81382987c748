package io.confbridge.server.support;

/**
 * Measures decoded 8 kHz audio: its level (RMS) and how much of its energy sits at one frequency
 * (a Goertzel filter, the single-bin DFT that DTMF detectors use).
 */
public final class ToneMeter {
    /** Goertzel block: 100 ms at 8 kHz gives 10 Hz bins, so 400 Hz and 1 kHz fall exactly on a bin. */
    static final int BLOCK_SAMPLES = 800;
    /** Below this RMS (about -60 dBFS) there is nothing to analyse: a tone level of 0 is reported. */
    static final double NOISE_FLOOR_RMS = 30;
    private static final double SAMPLE_RATE = 8000;

    private ToneMeter() {
    }

    /** Root mean square of the samples, in linear 16-bit units (full-scale sine: about 23170). */
    public static double rms(short[] samples, int length) {
        if (length == 0) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += (double) samples[i] * samples[i];
        }
        return Math.sqrt(sum / length);
    }

    /**
     * The share of the signal's energy at {@code hz}: about 1 for a clean sine at that frequency, near 0
     * for a signal without it. Computed over whole 100 ms blocks (the tail shorter than a block is left
     * out) and weighted by each block's energy, so a lost packet spoils one block, not the whole result.
     */
    public static double toneLevel(short[] samples, int length, double hz) {
        return toneLevel(samples, length, hz, SAMPLE_RATE);
    }

    /** As {@link #toneLevel(short[], int, double)} for audio at {@code rate} (16000 for decoded G.722). */
    public static double toneLevel(short[] samples, int length, double hz, double rate) {
        double coeff = 2 * Math.cos(2 * Math.PI * hz / rate);
        double toneEnergy = 0;
        double totalEnergy = 0;
        int blocks = length / BLOCK_SAMPLES;
        for (int b = 0; b < blocks; b++) {
            int from = b * BLOCK_SAMPLES;
            double s1 = 0;
            double s2 = 0;
            double energy = 0;
            for (int i = from; i < from + BLOCK_SAMPLES; i++) {
                double x = samples[i];
                double s0 = x + coeff * s1 - s2;
                s2 = s1;
                s1 = s0;
                energy += x * x;
            }
            double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
            // |X(f)|² of a sine of amplitude A over N samples is (A·N/2)², its energy A²·N/2:
            // 2·|X|²/N equals the block energy exactly when all of it is at f.
            toneEnergy += 2 * power / BLOCK_SAMPLES;
            totalEnergy += energy;
        }
        int analysed = blocks * BLOCK_SAMPLES;
        if (analysed == 0 || Math.sqrt(totalEnergy / analysed) < NOISE_FLOOR_RMS) {
            return 0;
        }
        return toneEnergy / totalEnergy;
    }
}
