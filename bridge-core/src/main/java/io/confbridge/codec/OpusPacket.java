package io.confbridge.codec;

/**
 * Reads an Opus packet's framing (RFC 6716 §3.1–3.2) without decoding it, so a malformed or oversized
 * packet from the network is refused in Java before libopus sees it.
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * | config  |s| c |   TOC byte
 * +-+-+-+-+-+-+-+-+
 * </pre>
 * {@code config} (0–31) gives the mode, bandwidth and frame duration: 0–11 SILK, 10/20/40/60 ms;
 * 12–15 hybrid, 10/20 ms; 16–31 CELT, 2.5/5/10/20 ms. {@code s} is stereo. {@code c} is the frame count
 * code: 0 one frame, 1 two frames of equal size, 2 two frames with the first one's length coded, 3 an
 * arbitrary number of frames given in a second byte:
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |v|p|     M     |   frame count byte (code 3): VBR, padding, M frames
 * +-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #validate} checks the requirements of RFC 6716 §3.4 [R1]–[R7] ({@link #foldFrames}): a packet
 * is never empty, a frame is never longer than 1275 bytes, the lengths and padding fit in the packet, and
 * a packet lasts at most 120 ms. libopus makes the same checks ({@code opus_packet_parse}) and returns
 * {@code OPUS_INVALID_PACKET}; checking here too keeps the decision, and the count of refusals, on our
 * side of the native call. Durations are in samples at 48 kHz, the rate the TOC is defined at.
 * All methods are static and allocate nothing.
 */
public final class OpusPacket {
    /** The longest frame a packet may carry, in bytes (RFC 6716 §3.4 [R2]). */
    public static final int MAX_FRAME_BYTES = 1275;
    /** The longest a packet may last: 120 ms at 48 kHz (RFC 6716 §3.4 [R5]). */
    public static final int MAX_SAMPLES_48K = 5760;
    /** The result of {@link #validate} for a packet that breaks RFC 6716's framing rules. */
    public static final int INVALID = -4; // the value of libopus's OPUS_INVALID_PACKET

    private OpusPacket() {
    }

    /** The duration of one frame of a packet with this TOC byte, in samples at 48 kHz (120 to 2880). */
    public static int frameSamples48k(byte toc) {
        int config = (toc & 0xFF) >>> 3;
        if (config < 12) {
            return (config & 3) == 3 ? 2880 : 480 << (config & 3); // SILK: 10, 20, 40, 60 ms
        }
        if (config < 16) {
            return 480 << (config & 1); // hybrid: 10, 20 ms
        }
        return 120 << (config & 3); // CELT: 2.5, 5, 10, 20 ms
    }

    /** Whether the TOC byte says the frames are stereo. */
    public static boolean stereo(byte toc) {
        return (toc & 0x04) != 0;
    }

    /**
     * The number of frames in the packet ({@code len} bytes from {@code off}), or {@link #INVALID}
     * when the packet is empty or code 3 without its count byte or with a count of 0.
     */
    public static int frameCount(byte[] packet, int off, int len) {
        if (len < 1) {
            return INVALID;
        }
        switch (packet[off] & 3) {
            case 0:
                return 1;
            case 1:
            case 2:
                return 2;
            default:
                if (len < 2) {
                    return INVALID;
                }
                int m = packet[off + 1] & 0x3F;
                return m == 0 ? INVALID : m;
        }
    }

    /**
     * The packet's duration in samples at 48 kHz from its TOC and frame count alone, or {@link #INVALID}
     * if the count is missing or the packet would last more than 120 ms. See {@link #validate} for the
     * full check.
     */
    public static int durationSamples48k(byte[] packet, int off, int len) {
        int frames = frameCount(packet, off, len);
        if (frames < 0) {
            return INVALID;
        }
        int samples = frames * frameSamples48k(packet[off]);
        return samples > MAX_SAMPLES_48K ? INVALID : samples;
    }

    /**
     * The packet's duration in samples at 48 kHz if it follows RFC 6716 §3.4 [R1]–[R7], else
     * {@link #INVALID}. Reads only {@code packet[off .. off + len)}.
     */
    public static int validate(byte[] packet, int off, int len) {
        return foldFrames(packet, off, len, 0, KEEP) < 0 ? INVALID : durationSamples48k(packet, off, len);
    }

    /** What {@link #foldFrames} calls on each frame of a packet, in order, to fold them into one value. */
    interface FrameFold {
        /**
         * The value so far and the next frame, {@code length} bytes at {@code packet[at]}; returns the new
         * value, or a negative one to stop the walk and have it returned.
         */
        int frame(int value, byte[] packet, int at, int length);
    }

    private static final FrameFold KEEP = (value, packet, at, length) -> value;

    /**
     * Walks the frames of a packet that follows RFC 6716 §3.4 [R1]–[R7] (a packet is never empty, a
     * frame is never longer than 1275 bytes, the lengths and padding fit in the packet, and it lasts at
     * most 120 ms), folding them from {@code initial} with {@code fold}; {@link #INVALID} for a packet
     * that breaks a rule. The one reading of the framing: validation and {@link OpusVoiceActivity} both
     * walk with it. Allocates nothing.
     */
    static int foldFrames(byte[] packet, int off, int len, int initial, FrameFold fold) {
        if (durationSamples48k(packet, off, len) < 0) {
            return INVALID;
        }
        int end = off + len;
        int pos = off + 1;
        switch (packet[off] & 3) {
            case 0: // [R2]
                return fold(initial, packet, pos, len - 1, fold);
            case 1: { // [R3]: two frames of equal size
                int payload = len - 1;
                if ((payload & 1) != 0) {
                    return INVALID;
                }
                return foldTwo(initial, packet, pos, payload / 2, payload / 2, fold);
            }
            case 2: { // [R4]: the first frame's length, then both frames
                int first = frameLength(packet, pos, end);
                if (first < 0) {
                    return INVALID;
                }
                pos += first > 251 ? 2 : 1;
                int second = end - pos - first;
                return second < 0 ? INVALID : foldTwo(initial, packet, pos, first, second, fold);
            }
            default: // code 3, [R5]–[R7]
                return foldCode3(packet, off, len, initial, fold);
        }
    }

    /** One frame, refused when longer than 1275 bytes ([R2]). */
    private static int fold(int value, byte[] packet, int at, int length, FrameFold fold) {
        return length > MAX_FRAME_BYTES ? INVALID : fold.frame(value, packet, at, length);
    }

    private static int foldTwo(int value, byte[] packet, int at, int first, int second, FrameFold fold) {
        int v = fold(value, packet, at, first, fold);
        return v < 0 ? v : fold(v, packet, at + first, second, fold);
    }

    private static int foldCode3(byte[] packet, int off, int len, int initial, FrameFold fold) {
        int end = off + len;
        int countByte = packet[off + 1] & 0xFF;
        int frames = countByte & 0x3F;
        int pos = off + 2;
        int padding = 0;
        if ((countByte & 0x40) != 0) {
            // Padding length: each 255 adds 254 and another length byte follows.
            int b;
            do {
                if (pos >= end) {
                    return INVALID;
                }
                b = packet[pos++] & 0xFF;
                padding += b == 255 ? 254 : b;
            } while (b == 255);
        }
        int available = end - pos - padding;
        if (available < 0) {
            return INVALID;
        }
        int value = initial;
        if ((countByte & 0x80) == 0) { // CBR, [R6]
            if (available % frames != 0) {
                return INVALID;
            }
            int each = available / frames;
            for (int i = 0; i < frames && value >= 0; i++) {
                value = fold(value, packet, pos + i * each, each, fold);
            }
            return value;
        }
        // VBR, [R7]: M-1 coded lengths, the last frame takes what is left.
        int lengthsAt = pos;
        int coded = 0;
        for (int i = 0; i < frames - 1; i++) {
            int length = frameLength(packet, pos, end);
            if (length < 0) {
                return INVALID;
            }
            int lengthBytes = length > 251 ? 2 : 1;
            pos += lengthBytes;
            available -= lengthBytes;
            coded += length;
        }
        int last = available - coded;
        if (available < 0 || last < 0) {
            return INVALID;
        }
        int dataAt = pos;
        for (int i = 0; i < frames && value >= 0; i++) {
            int length = last;
            if (i < frames - 1) {
                length = frameLength(packet, lengthsAt, end);
                lengthsAt += length > 251 ? 2 : 1;
            }
            value = fold(value, packet, dataAt, length, fold);
            dataAt += length;
        }
        return value;
    }

    /** A frame length coded in one byte (0–251) or two (252–1275) at {@code pos}; -1 if cut off. */
    private static int frameLength(byte[] packet, int pos, int end) {
        if (pos >= end) {
            return -1;
        }
        int first = packet[pos] & 0xFF;
        if (first < 252) {
            return first;
        }
        if (pos + 1 >= end) {
            return -1;
        }
        return first + 4 * (packet[pos + 1] & 0xFF);
    }
}
