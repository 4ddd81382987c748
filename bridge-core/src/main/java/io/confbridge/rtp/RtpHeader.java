package io.confbridge.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Reads and writes the RTP header in place, through static accessors over {@code (buf, offset)}:
 * no header object per packet. All accessors use absolute indexes ({@code getXxx}/{@code setXxx}),
 * so the buffer's reader and writer indexes are left alone.
 *
 * <p>RFC 3550 §5.1, the fixed header and the CSRC list:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * followed, when X is set, by the header extension of RFC 3550 §5.3.1:
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * |                             ....                              |
 * </pre>
 * where length counts 32-bit words after the first 4 bytes. When P is set, the last byte of the
 * packet counts the padding bytes, itself included (RFC 3550 §5.1, "padding").
 *
 * <p>The field accessors assume a packet already checked with {@link #headerLength}; the length
 * methods are the cheap validity check of RFC 3550 Appendix A.1 and return -1 instead of throwing,
 * so malformed datagrams can be dropped and counted without exceptions on the receive path.
 */
public final class RtpHeader {

    /** Bytes in the fixed header, without CSRCs or extension. */
    public static final int FIXED_HEADER_LENGTH = 12;
    /** The only RTP version in use (RFC 3550 §5.1). */
    public static final int VERSION = 2;

    private RtpHeader() {
    }

    /** V: the protocol version, 2 for every valid packet. */
    public static int version(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset) >> 6;
    }

    /** P: the packet ends with padding whose length is its last byte. */
    public static boolean hasPadding(ByteBuf buf, int offset) {
        return (buf.getByte(offset) & 0x20) != 0;
    }

    /** X: a header extension follows the CSRC list. */
    public static boolean hasExtension(ByteBuf buf, int offset) {
        return (buf.getByte(offset) & 0x10) != 0;
    }

    /** CC: the number of CSRC identifiers (0–15). */
    public static int csrcCount(ByteBuf buf, int offset) {
        return buf.getByte(offset) & 0x0F;
    }

    /** M: for audio, the first packet of a talkspurt (RFC 3551 §4.1); for RFC 4733, a new event. */
    public static boolean marker(ByteBuf buf, int offset) {
        return (buf.getByte(offset + 1) & 0x80) != 0;
    }

    /** PT: the payload type (0–127). */
    public static int payloadType(ByteBuf buf, int offset) {
        return buf.getByte(offset + 1) & 0x7F;
    }

    /** The 16-bit sequence number, 0–65535. */
    public static int sequenceNumber(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 2);
    }

    /** The 32-bit media timestamp, unsigned (0 to 2^32-1). */
    public static long timestamp(ByteBuf buf, int offset) {
        return buf.getUnsignedInt(offset + 4);
    }

    /** The 32-bit synchronisation source identifier, unsigned. */
    public static long ssrc(ByteBuf buf, int offset) {
        return buf.getUnsignedInt(offset + 8);
    }

    /** The CSRC identifier at {@code index} (0 ≤ index &lt; {@link #csrcCount}), unsigned. */
    public static long csrc(ByteBuf buf, int offset, int index) {
        return buf.getUnsignedInt(offset + FIXED_HEADER_LENGTH + 4 * index);
    }

    /**
     * The length of the whole header: 12 + 4·CC, plus 4 + 4·length when an extension is present,
     * which is where the payload starts. Returns -1 when the packet cannot be RTP: shorter than
     * the fixed header, version not 2, or CSRCs or the extension running past {@code packetLength}.
     *
     * @param packetLength the bytes of the datagram from {@code offset} on
     */
    public static int headerLength(ByteBuf buf, int offset, int packetLength) {
        if (packetLength < FIXED_HEADER_LENGTH) {
            return -1;
        }
        int first = buf.getUnsignedByte(offset);
        if (first >> 6 != VERSION) {
            return -1;
        }
        int length = FIXED_HEADER_LENGTH + 4 * (first & 0x0F);
        if ((first & 0x10) != 0) {
            if (length + 4 > packetLength) {
                return -1;
            }
            length += 4 + 4 * buf.getUnsignedShort(offset + length + 2);
        }
        return length <= packetLength ? length : -1;
    }

    /**
     * The payload length: the packet minus the header and minus any padding. Returns -1 when the
     * header is malformed (see {@link #headerLength}) or when P is set with a padding count of zero
     * or larger than what follows the header (RFC 3550 Appendix A.1).
     */
    public static int payloadLength(ByteBuf buf, int offset, int packetLength) {
        int headerLength = headerLength(buf, offset, packetLength);
        if (headerLength < 0) {
            return -1;
        }
        int length = packetLength - headerLength;
        if (hasPadding(buf, offset)) {
            if (length == 0) {
                return -1;
            }
            int padding = buf.getUnsignedByte(offset + packetLength - 1);
            if (padding == 0 || padding > length) {
                return -1;
            }
            length -= padding;
        }
        return length;
    }

    /**
     * Writes the 12-byte fixed header at {@code offset}: V=2, no padding, no extension, no CSRCs.
     * Uses absolute {@code setXxx}, so the caller moves the writer index (typically to
     * {@code offset + 12 + payload}).
     *
     * @param payloadType 0–127
     * @param sequenceNumber only the low 16 bits are written
     * @param timestamp only the low 32 bits are written
     * @param ssrc only the low 32 bits are written
     */
    public static void writeFixedHeader(ByteBuf buf, int offset, boolean marker, int payloadType,
            int sequenceNumber, long timestamp, long ssrc) {
        if ((payloadType & ~0x7F) != 0) {
            throw new IllegalArgumentException("payload type out of 0-127: " + payloadType);
        }
        buf.setByte(offset, VERSION << 6);
        buf.setByte(offset + 1, (marker ? 0x80 : 0) | payloadType);
        buf.setShort(offset + 2, sequenceNumber);
        buf.setInt(offset + 4, (int) timestamp);
        buf.setInt(offset + 8, (int) ssrc);
    }
}
