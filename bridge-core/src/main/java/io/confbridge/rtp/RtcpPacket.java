package io.confbridge.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Reads and writes RTCP (RFC 3550 §6) in place, through static accessors over {@code (buf, offset)},
 * as {@link RtpHeader} does for RTP: no packet objects. Offsets are absolute; reader and writer indexes
 * are left alone except by the {@code write*} methods, which append at the writer index.
 *
 * <p>Every RTCP packet starts with the common header (RFC 3550 §6.4.1):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |  sender info:
 * |             NTP timestamp, least significant word             |  SR only
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |  report
 * | fraction lost |       cumulative number of packets lost       |  block 1,
 * |           extended highest sequence number received           |  24 bytes
 * |                      interarrival jitter                      |
 * |                         last SR (LSR)                         |
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 * where length is the packet's size in 32-bit words minus one. An RR (PT=201) has the same layout
 * without the sender info. An SDES (PT=202, §6.5) carries, per chunk, an SSRC and items
 * {@code type(8) length(8) text}, ended by a zero byte and padded to a 32-bit boundary; CNAME is item 1.
 *
 * <p>{@link #compoundValid} is the check of RFC 3550 Appendix A.2 and returns false instead of
 * throwing, so a malformed datagram is dropped and counted.
 */
public final class RtcpPacket {
    public static final int VERSION = 2;
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int APP = 204;
    public static final int SDES_CNAME = 1;

    public static final int HEADER_LENGTH = 8;
    public static final int SENDER_INFO_LENGTH = 20;
    public static final int REPORT_BLOCK_LENGTH = 24;

    private RtcpPacket() {
    }

    /** V: 2 for every valid packet. */
    public static int version(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset) >> 6;
    }

    public static boolean hasPadding(ByteBuf buf, int offset) {
        return (buf.getByte(offset) & 0x20) != 0;
    }

    /** RC (report count) for SR/RR, SC (source count) for SDES. */
    public static int count(ByteBuf buf, int offset) {
        return buf.getByte(offset) & 0x1F;
    }

    public static int packetType(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + 1);
    }

    /** The packet's length in bytes, header included (from the length field). */
    public static int lengthBytes(ByteBuf buf, int offset) {
        return (buf.getUnsignedShort(offset + 2) + 1) * 4;
    }

    /** The SSRC of the packet's sender (SR, RR) or of the first chunk (SDES). */
    public static long senderSsrc(ByteBuf buf, int offset) {
        return buf.getUnsignedInt(offset + 4);
    }

    /** SR: the middle 32 bits of the NTP timestamp, as echoed in LSR. */
    public static long ntpMiddle32(ByteBuf buf, int offset) {
        return ((buf.getUnsignedInt(offset + 8) << 16) | (buf.getUnsignedInt(offset + 12) >>> 16)) & 0xFFFF_FFFFL;
    }

    public static long srRtpTimestamp(ByteBuf buf, int offset) {
        return buf.getUnsignedInt(offset + 16);
    }

    public static long srPacketCount(ByteBuf buf, int offset) {
        return buf.getUnsignedInt(offset + 20);
    }

    public static long srOctetCount(ByteBuf buf, int offset) {
        return buf.getUnsignedInt(offset + 24);
    }

    /** Offset of report block {@code i} of an SR or RR at {@code offset}. */
    public static int reportBlockOffset(ByteBuf buf, int offset, int i) {
        int first = offset + HEADER_LENGTH + (packetType(buf, offset) == SR ? SENDER_INFO_LENGTH : 0);
        return first + i * REPORT_BLOCK_LENGTH;
    }

    /** Report block fields, given the block's own offset. */
    public static long blockSsrc(ByteBuf buf, int block) {
        return buf.getUnsignedInt(block);
    }

    /** Fraction lost, in 1/256 units. */
    public static int blockFractionLost(ByteBuf buf, int block) {
        return buf.getUnsignedByte(block + 4);
    }

    /** Cumulative number of packets lost: a signed 24-bit number (duplicates can make it negative). */
    public static int blockCumulativeLost(ByteBuf buf, int block) {
        return buf.getMedium(block + 5);
    }

    public static long blockHighestSequence(ByteBuf buf, int block) {
        return buf.getUnsignedInt(block + 8);
    }

    /** Interarrival jitter in RTP timestamp units. */
    public static long blockJitter(ByteBuf buf, int block) {
        return buf.getUnsignedInt(block + 12);
    }

    public static long blockLastSr(ByteBuf buf, int block) {
        return buf.getUnsignedInt(block + 16);
    }

    /** Delay since last SR, in 1/65536 s. */
    public static long blockDelaySinceLastSr(ByteBuf buf, int block) {
        return buf.getUnsignedInt(block + 20);
    }

    /**
     * RFC 3550 A.2: a compound packet of {@code length} bytes at {@code offset} is valid when it holds
     * at least one packet, the first is an SR or RR without padding, every packet is version 2, the
     * length fields add up to exactly the datagram, only the last packet pads, and each SR/RR is long
     * enough for its report count.
     */
    public static boolean compoundValid(ByteBuf buf, int offset, int length) {
        if (length < HEADER_LENGTH || (length & 3) != 0) {
            return false;
        }
        int firstType = packetType(buf, offset);
        if ((firstType != SR && firstType != RR) || hasPadding(buf, offset)) {
            return false;
        }
        int end = offset + length;
        int at = offset;
        while (at < end) {
            if (end - at < 4 || version(buf, at) != VERSION) {
                return false;
            }
            int packetLength = lengthBytes(buf, at);
            if (packetLength > end - at || (hasPadding(buf, at) && at + packetLength != end)) {
                return false;
            }
            int type = packetType(buf, at);
            if (type == SR || type == RR) {
                int needed = HEADER_LENGTH + (type == SR ? SENDER_INFO_LENGTH : 0)
                        + count(buf, at) * REPORT_BLOCK_LENGTH;
                if (packetLength < needed) {
                    return false;
                }
            }
            at += packetLength;
        }
        return at == end;
    }

    /**
     * Appends an SR (when {@code sender} is true) or RR header for {@code reportCount} blocks, with
     * the sender info when it is an SR; the report blocks follow with {@link #writeReportBlock}.
     */
    public static void writeReportHeader(ByteBuf buf, boolean sender, int reportCount, long ssrc,
                                         long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount) {
        int words = (HEADER_LENGTH + (sender ? SENDER_INFO_LENGTH : 0) + reportCount * REPORT_BLOCK_LENGTH) / 4 - 1;
        buf.writeByte(VERSION << 6 | reportCount);
        buf.writeByte(sender ? SR : RR);
        buf.writeShort(words);
        buf.writeInt((int) ssrc);
        if (sender) {
            buf.writeLong(ntpTimestamp);
            buf.writeInt((int) rtpTimestamp);
            buf.writeInt((int) packetCount);
            buf.writeInt((int) octetCount);
        }
    }

    /** Appends one report block. */
    public static void writeReportBlock(ByteBuf buf, long ssrc, int fractionLost, int cumulativeLost,
                                        long highestSequence, long jitter, long lastSr, long delaySinceLastSr) {
        buf.writeInt((int) ssrc);
        buf.writeByte(fractionLost);
        buf.writeMedium(clampCumulative(cumulativeLost));
        buf.writeInt((int) highestSequence);
        buf.writeInt((int) jitter);
        buf.writeInt((int) lastSr);
        buf.writeInt((int) delaySinceLastSr);
    }

    /** Appends an SDES packet with one chunk carrying a CNAME (at most 255 bytes of US-ASCII). */
    public static void writeSdesCname(ByteBuf buf, long ssrc, byte[] cname) {
        if (cname.length > 255) {
            throw new IllegalArgumentException("CNAME longer than 255 bytes: " + cname.length);
        }
        int chunk = 4 + 2 + cname.length + 1; // SSRC, type and length, text, END
        int padded = (chunk + 3) & ~3;
        buf.writeByte(VERSION << 6 | 1);
        buf.writeByte(SDES);
        buf.writeShort((HEADER_LENGTH - 4 + padded) / 4 - 1);
        buf.writeInt((int) ssrc);
        buf.writeByte(SDES_CNAME);
        buf.writeByte(cname.length);
        buf.writeBytes(cname);
        buf.writeZero(padded - chunk + 1);
    }

    /**
     * The CNAME of the first chunk of the SDES packet at {@code offset}, or null when it has none or
     * the packet is malformed. Allocates: for tests and diagnostics, not the receive path.
     */
    public static String sdesCname(ByteBuf buf, int offset) {
        int end = offset + lengthBytes(buf, offset);
        int at = offset + 8;
        while (at + 2 <= end) {
            int type = buf.getUnsignedByte(at);
            if (type == 0) {
                return null;
            }
            int len = buf.getUnsignedByte(at + 1);
            if (at + 2 + len > end) {
                return null;
            }
            if (type == SDES_CNAME) {
                return buf.toString(at + 2, len, java.nio.charset.StandardCharsets.US_ASCII);
            }
            at += 2 + len;
        }
        return null;
    }

    /** RFC 5761 §4: on a multiplexed port, a second byte of 192-223 (PT 64-95 with M set) is RTCP. */
    public static boolean isRtcpOnMuxedPort(ByteBuf buf, int offset, int length) {
        if (length < HEADER_LENGTH) {
            return false;
        }
        int second = buf.getUnsignedByte(offset + 1);
        return second >= 192 && second <= 223;
    }

    private static int clampCumulative(int lost) {
        return Math.max(-0x800000, Math.min(0x7FFFFF, lost)) & 0xFFFFFF;
    }
}
