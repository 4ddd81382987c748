package io.confbridge.codec;

/**
 * ITU-T G.722 decoder, 64 kbit/s (mode 1): one byte per sample pair in, 16 kHz 16-bit PCM out.
 * Bit-exact with spandsp's {@code g722_decode} initialised with {@code (NULL, 64000, 0)}, except
 * that a 16 kHz output overshooting 16 bits saturates where libspandsp 0.0.6 wraps around (see
 * {@link SubbandSynthesis}); {@link #decodeBands} is bit-exact throughout. Not thread-safe; nothing
 * allocates after construction.
 *
 * <p>{@link #decodeBands} stops before the QMF and yields the reconstructed subbands, each limited to
 * [-16384, 16383] as spandsp does, in the scale described in {@link G722Encoder}: a low-frequency
 * signal of amplitude A has a lower band of about A/2. The bridge mixes talkers in that domain.
 */
public final class G722Decoder {
    /** Pairs decoded per pass of {@link #decode}; any length is decoded in passes of this size. */
    private static final int CHUNK = 160;

    private final G722Band lowBand = new G722Band(32);
    private final G722Band highBand = new G722Band(8);
    private final SubbandSynthesis synthesis = new SubbandSynthesis();
    private final int[] low = new int[CHUNK];
    private final int[] high = new int[CHUNK];

    /** Decodes {@code len} bytes of {@code in} from {@code off} into {@code 2 * len} samples of {@code pcm16k} from {@code outOff}. */
    public void decode(byte[] in, int off, int len, short[] pcm16k, int outOff) {
        for (int done = 0; done < len; ) {
            int n = Math.min(CHUNK, len - done);
            decodeBands(in, off + done, n, low, high);
            synthesis.synthesise(low, high, n, pcm16k, outOff + 2 * done);
            done += n;
        }
    }

    /**
     * Decodes {@code len} bytes into {@code len} lower- and higher-band samples written from index 0
     * of {@code low} and {@code high} (spandsp's rlow and rhigh).
     */
    public void decodeBands(byte[] in, int off, int len, int[] low, int[] high) {
        // The bands' ADPCMs share no state: one pass each is the same as both per byte.
        decodeLowBand(in, off, len, low);
        decodeHighBand(in, off, len, high);
    }

    /**
     * The lower band alone, as {@link #decodeBands} writes it: for a listener that needs only 0-4 kHz (the
     * DTMF detector, a participant outside the mix). The two bands' ADPCMs share no state, so the higher
     * band's work is simply skipped: {@link #decodeHighBand} on the same bytes, later, catches it up.
     */
    public void decodeLowBand(byte[] in, int off, int len, int[] low) {
        final G722Band lb = lowBand;
        for (int j = 0; j < len; j++) {
            int ilow = in[off + j] & 0x3F;
            // Block 5L INVQBL, RECONS, 6L LIMIT: the output uses all 6 bits...
            int rlow = lb.s + ((lb.det * QM6[ilow]) >> 15);
            low[j] = rlow > 16383 ? 16383 : Math.max(rlow, -16384);
            // ...the predictor only the top 4, as the encoder's.
            int ril = ilow >> 2;
            int dlow = lb.dequantLow4(ril);
            lb.adaptLow(ril);
            lb.block4(dlow);
        }
    }

    /**
     * The higher band alone, as {@link #decodeBands} writes it: with {@link #decodeLowBand} on the same
     * bytes, the two make what {@link #decodeBands} makes, in any order, since the bands share no state.
     */
    public void decodeHighBand(byte[] in, int off, int len, int[] high) {
        final G722Band hb = highBand;
        for (int j = 0; j < len; j++) {
            int ihigh = (in[off + j] & 0xFF) >> 6;
            // Blocks 2H INVQAH, 5H RECONS, 6H LIMIT.
            int dhigh = hb.dequantHigh(ihigh);
            int rhigh = dhigh + hb.s;
            high[j] = rhigh > 16383 ? 16383 : Math.max(rhigh, -16384);
            hb.adaptHigh(ihigh);
            hb.block4(dhigh);
        }
    }

    /** The higher band's ADPCM back to its initial state, the lower band's left as it is. */
    public void resetHighBand() {
        highBand.reset();
    }

    /** Takes over all of {@code other}'s state, QMF history included. */
    public void copyFrom(G722Decoder other) {
        lowBand.copyFrom(other.lowBand);
        highBand.copyFrom(other.highBand);
        synthesis.copyFrom(other.synthesis);
    }

    /** Back to the initial state, as a fresh decoder. */
    public void reset() {
        lowBand.reset();
        highBand.reset();
        synthesis.reset();
    }

    /** Lower band inverse quantiser of all 6 bits (INVQBL). */
    private static final int[] QM6 = {
        -136, -136, -136, -136, -24808, -21904, -19008, -16704,
        -14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856,
        -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576,
        -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728,
        24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192,
        10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
        4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032,
        1688, 1360, 1040, 728, 432, 136, -432, -136
    };
}
