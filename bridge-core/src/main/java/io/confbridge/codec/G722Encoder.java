package io.confbridge.codec;

/**
 * ITU-T G.722 encoder, 64 kbit/s (mode 1): 16 kHz 16-bit PCM in, one byte per sample pair out (6
 * lower-band bits in bits 0-5, 2 higher-band bits in bits 6-7). Bit-exact with spandsp's
 * {@code g722_encode} initialised with {@code (NULL, 64000, 0)}; the test vectors under
 * {@code src/test/resources/g722} were made with it. Not thread-safe; nothing allocates after
 * construction.
 *
 * <h2>Subband scale</h2>
 * The QMF coefficients sum to 8192 over 24 taps and the analysis shifts by 14, so its DC gain into
 * the lower band is exactly 8192 / 2^14 = 1/2. A 16 kHz sinusoid of amplitude A and frequency f gives
 * a lower band of amplitude A/2 times the QMF response: within 0.03 dB of A/2 for f up to 3 kHz,
 * 0.4 dB below at 3.4 kHz, 3 dB below at 4 kHz; a 5 kHz tone still enters the lower band (as a 3 kHz
 * alias) only 20.6 dB down, which is why {@link NarrowbandDecimator} exists. The decoder's synthesis
 * doubles the lower band back: a steady lower band L gives 2L at 16 kHz.
 * So 8 kHz G.711 audio (16-bit PCM) enters the lower band as {@code pcm >> 1}, and a lower band taken
 * out as 8 kHz PCM is {@code low << 1}; both bands saturate in the ADPCM at 16 bits of that scale.
 *
 * <p>{@link #encodeBands} takes subband samples directly: the bridge mixes in the subband domain and
 * encodes the mix without going through 16 kHz and back.
 */
public final class G722Encoder {
    /** Pairs analysed per pass of {@link #encode}; any length is encoded in passes of this size. */
    private static final int CHUNK = 160;

    private final SubbandAnalysis analysis = new SubbandAnalysis();
    private final G722Band lowBand = new G722Band(32);
    private final G722Band highBand = new G722Band(8);
    private final int[] low = new int[CHUNK];
    private final int[] high = new int[CHUNK];

    /**
     * Encodes {@code samples} (even) samples of {@code pcm16k} from {@code off}, writing
     * {@code samples / 2} bytes to {@code out} from {@code outOff}.
     */
    public void encode(short[] pcm16k, int off, int samples, byte[] out, int outOff) {
        if ((samples & 1) != 0) {
            throw new IllegalArgumentException("G.722 encodes sample pairs: " + samples + " samples");
        }
        int pairs = samples >> 1;
        for (int done = 0; done < pairs; ) {
            int n = Math.min(CHUNK, pairs - done);
            analysis.analyse(pcm16k, off + 2 * done, n, low, high);
            encodeBands(low, high, n, out, outOff + done);
            done += n;
        }
    }

    /**
     * ADPCM-encodes {@code pairs} lower- and higher-band samples (from index 0, in the scale described
     * above) into {@code pairs} bytes from {@code outOff}.
     */
    public void encodeBands(int[] low, int[] high, int pairs, byte[] out, int outOff) {
        final G722Band lb = lowBand;
        final G722Band hb = highBand;
        for (int j = 0; j < pairs; j++) {
            // Block 1L SUBTRA, QUANTL: the 6-bit code of the prediction error, searched against the
            // decision levels scaled by the step size (wd is the magnitude, one's complement below 0).
            int el = G722Band.saturate(low[j] - lb.s);
            int wd = el >= 0 ? el : -(el + 1);
            int i = 1;
            while (i < 30 && wd >= (Q6[i] * lb.det) >> 12) {
                i++;
            }
            int ilow = el < 0 ? ILN[i] : ILP[i];
            // The predictor and the step adaptation see only the top 4 bits, so a 48 or 56 kbit/s
            // decoder that drops the low bits stays in step.
            int ril = ilow >> 2;
            int dlow = lb.dequantLow4(ril);
            lb.adaptLow(ril);
            lb.block4(dlow);

            // Block 1H SUBTRA, QUANTH: 2 bits, one decision level.
            int eh = G722Band.saturate(high[j] - hb.s);
            wd = eh >= 0 ? eh : -(eh + 1);
            int mih = wd >= (564 * hb.det) >> 12 ? 2 : 1;
            int ihigh = eh < 0 ? IHN[mih] : IHP[mih];
            int dhigh = hb.dequantHigh(ihigh);
            hb.adaptHigh(ihigh);
            hb.block4(dhigh);

            out[outOff + j] = (byte) ((ihigh << 6) | ilow);
        }
    }

    /** Takes over all of {@code other}'s state, QMF history included: the next frame continues its output. */
    public void copyFrom(G722Encoder other) {
        analysis.copyFrom(other.analysis);
        lowBand.copyFrom(other.lowBand);
        highBand.copyFrom(other.highBand);
    }

    /** Back to the initial state, as a fresh encoder. */
    public void reset() {
        analysis.reset();
        lowBand.reset();
        highBand.reset();
    }

    /** Lower band decision levels (QUANTL), in units of det / 4096. */
    private static final int[] Q6 = {
        0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
        786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 0, 0
    };
    /** Lower band codes by decision interval, for negative and positive errors. */
    private static final int[] ILN = {
        0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
        18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 0
    };
    private static final int[] ILP = {
        0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
        46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 0
    };
    /** Higher band codes by decision interval (1 inner, 2 outer), for negative and positive errors. */
    private static final int[] IHN = {0, 1, 0};
    private static final int[] IHP = {0, 3, 2};
}
