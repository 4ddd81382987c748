package io.confbridge.mixer;

import io.confbridge.codec.Codec;

/**
 * Packet loss concealment for G.711 in the style of ITU-T G.711 Appendix I: a lost 20 ms frame is
 * replaced by the last pitch period of what was played, repeated, rather than by silence.
 *
 * <ol>
 *   <li>Every played frame goes into a history of {@link #HISTORY} samples (48.75 ms, as in the
 *       Appendix).</li>
 *   <li>At the first lost frame the pitch period is found in the history by normalised
 *       autocorrelation over 5–15 ms (40–120 samples: 66–200 Hz voices and their multiples), and the
 *       last period is repeated. Its last quarter period is blended towards the real samples that
 *       preceded it, so that each repetition wraps without a click.</li>
 *   <li>After 10 ms of concealment the level falls linearly, by 20 % every 10 ms, to silence at
 *       60 ms: repeating one period for longer sounds like a buzz.</li>
 *   <li>The first real frame after a loss is cross-faded with the synthetic signal over 4 ms, plus
 *       4 ms per further 10 ms lost (at most 10 ms).</li>
 * </ol>
 * Not done from the Appendix: widening the repeated section to two and three periods after 10 and
 * 20 ms (it softens the buzz of long losses; with the fade-out above, those are short).
 *
 * <p>Used by the mixer on what a participant's {@link JitterBuffer} plays: one thread (the meeting's
 * loop), no allocation after construction.
 */
final class LossConcealment {
    static final int HISTORY = 390;
    private static final int N = Codec.FRAME_SAMPLES;
    private static final int MIN_PITCH = 40;
    private static final int MAX_PITCH = 120;
    /** Correlation window at the end of the history. */
    private static final int WINDOW = 160;
    /** Samples per 10 ms. */
    private static final int TEN_MS = 80;
    private static final int MAX_CONCEALED = 6 * TEN_MS;

    /** The last {@link #HISTORY} samples played, oldest first. */
    private final short[] history = new short[HISTORY];
    /** The synthetic signal's next samples, for the fade into the first real frame after a loss. */
    private final short[] continuation = new short[TEN_MS];
    /** The pitch period repeated during a loss. */
    private final short[] period = new short[MAX_PITCH];
    private int pitch;
    /** Position in the repeated period, and samples concealed so far in this loss. */
    private int phase;
    private int concealed;

    /** A real frame is played: keeps it in the history, fading in from the concealment if one ran. */
    void played(short[] frame) {
        if (concealed > 0) {
            int fade = Math.min(TEN_MS, 32 + 32 * ((concealed - 1) / TEN_MS));
            synthesize(continuation, fade);
            for (int i = 0; i < fade; i++) {
                double w = (double) (i + 1) / (fade + 1);
                frame[i] = (short) Math.round(frame[i] * w + continuation[i] * (1 - w));
            }
            concealed = 0;
        }
        remember(frame);
    }

    /** A frame was lost: fills {@code out} with the concealment (silence once the loss is long). */
    void conceal(short[] out) {
        if (concealed == 0) {
            pitch = findPitch();
            takePeriod();
            phase = 0;
        }
        synthesize(out, N);
        remember(out);
    }

    /** Samples concealed in the loss under way, 0 when the last frame was real. */
    int concealedSamples() {
        return concealed;
    }

    /** Takes the last pitch period of the history as the loop to repeat, made to wrap without a click. */
    private void takePeriod() {
        System.arraycopy(history, HISTORY - pitch, period, 0, pitch);
        // The loop's end must lead into its start the way the real samples before it did: blend its
        // last quarter towards those samples (G.711 Appendix I's overlap-add of a quarter period).
        int quarter = pitch / 4;
        for (int k = 0; k < quarter; k++) {
            double w = (double) (k + 1) / (quarter + 1);
            int before = history[HISTORY - pitch - quarter + k];
            period[pitch - quarter + k] = (short) Math.round(period[pitch - quarter + k] * (1 - w) + before * w);
        }
    }

    /**
     * Writes {@code count} samples of the repeated period, faded by how long the loss has lasted, into
     * {@code out}. Advances the loss unless it writes the look-ahead {@link #continuation}.
     */
    private void synthesize(short[] out, int count) {
        int savedPhase = phase;
        for (int i = 0; i < count; i++) {
            int elapsed = concealed + i;
            double gain = elapsed < TEN_MS ? 1.0 : 1.0 - 0.2 * (elapsed - TEN_MS) / TEN_MS;
            out[i] = elapsed >= MAX_CONCEALED || gain <= 0 ? 0 : (short) Math.round(period[phase] * gain);
            phase = phase + 1 == pitch ? 0 : phase + 1;
        }
        if (out == continuation) {
            phase = savedPhase;
        } else {
            concealed += count;
        }
    }

    private void remember(short[] frame) {
        System.arraycopy(history, N, history, 0, HISTORY - N);
        System.arraycopy(frame, 0, history, HISTORY - N, N);
    }

    /** The lag in 40..120 with the highest normalised correlation of the history's last window. */
    private int findPitch() {
        int end = HISTORY;
        int best = MAX_PITCH;
        double bestScore = -1;
        for (int lag = MIN_PITCH; lag <= MAX_PITCH; lag++) {
            long cross = 0;
            long energy = 0;
            for (int i = end - WINDOW; i < end; i++) {
                int lagged = history[i - lag];
                cross += (long) history[i] * lagged;
                energy += (long) lagged * lagged;
            }
            double score = energy == 0 ? 0 : cross / Math.sqrt((double) energy);
            if (score > bestScore) {
                bestScore = score;
                best = lag;
            }
        }
        return best;
    }
}
