package io.confbridge.codec;

/**
 * Reads the voice activity flags an Opus sender puts in its packets (RFC 6716 §4.2.3), without decoding
 * them: the mixer need not decode a caller who says nothing and is not heard (issue 11 §3: cost grows with
 * talkers, not with participants).
 *
 * <p>In SILK and hybrid packets, each Opus frame's range-coded data begins with one VAD flag per SILK
 * frame (one for 10 and 20 ms, two for 40 ms, three for 60 ms), each a binary symbol of probability 1/2,
 * followed by the LBRR flag. Reading them needs only the first bytes of the range decoder (RFC 6716
 * §4.1.1, §4.1.3.1), done here on the packet as it lies in the jitter buffer. CELT-only packets carry no
 * such flag: their activity is {@link #UNKNOWN}, and they are decoded as always.
 *
 * <p>Stateless, allocation-free; the packet is read only between {@code off} and {@code off + len}.
 */
public final class OpusVoiceActivity {
    /** Every SILK frame of the packet is flagged as no voice activity. */
    public static final int SILENT = 0;
    /** At least one SILK frame of the packet is flagged as voice. */
    public static final int VOICE = 1;
    /** A CELT-only or malformed packet: no flag to read. */
    public static final int UNKNOWN = -1;

    private static final long CODE_BOT = 1L << 23;
    private static final long CODE_TOP_MASK = (1L << 31) - 1;

    private OpusVoiceActivity() {
    }

    /** The fold over a packet's frames, by the number of SILK frames in each (1, 2 or 3). */
    private static final OpusPacket.FrameFold[] FLAGS = {null, flagsOf(1), flagsOf(2), flagsOf(3)};

    private static OpusPacket.FrameFold flagsOf(int silkFrames) {
        return (value, packet, at, length) -> value == VOICE ? VOICE : flags(packet, at, length, silkFrames);
    }

    /** {@link #VOICE}, {@link #SILENT} or {@link #UNKNOWN} for the packet of {@code len} bytes at {@code off}. */
    public static int of(byte[] packet, int off, int len) {
        if (len < 1) {
            return UNKNOWN;
        }
        int config = (packet[off] & 0xFF) >>> 3;
        if (config >= 16) {
            return UNKNOWN;
        }
        int silkFrames = config < 12 && (config & 3) >= 2 ? (config & 3) : 1; // 40 ms: 2, 60 ms: 3
        int result = OpusPacket.foldFrames(packet, off, len, SILENT, FLAGS[silkFrames]);
        return result < 0 ? UNKNOWN : result; // a packet that breaks RFC 6716's framing rules
    }

    /**
     * The first {@code silkFrames} symbols of one Opus frame's range coder, each a VAD flag: RFC 6716's
     * range decoder (§4.1.1 initialisation, §4.1.2 renormalisation) reading symbols of probability 1/2
     * ({@code ec_dec_bit_logp} with logp 1, §4.1.3.1), in local variables so nothing is allocated. A frame
     * of 0 or 1 byte is a DTX or lost frame (RFC 6716 §3.2.1): no voice.
     */
    private static int flags(byte[] data, int at, int length, int silkFrames) {
        if (length <= 1) {
            return SILENT;
        }
        int end = at + length;
        int pos = at;
        long rng = 128;
        int rem = data[pos++] & 0xFF;
        long val = rng - 1 - (rem >> 1);
        for (int i = -1; i < silkFrames; i++) {
            if (i >= 0) {
                long s = rng >>> 1;
                if (val < s) {
                    return VOICE; // the symbol is 1
                }
                val -= s;
                rng -= s;
            }
            while (rng <= CODE_BOT) {
                rng <<= 8;
                int sym = rem;
                rem = pos < end ? data[pos++] & 0xFF : 0;
                sym = ((sym << 8) | rem) >> 1;
                val = ((val << 8) + (0xFF & ~sym)) & CODE_TOP_MASK;
            }
        }
        return SILENT;
    }
}
