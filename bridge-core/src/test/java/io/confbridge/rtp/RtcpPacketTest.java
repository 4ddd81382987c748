package io.confbridge.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RtcpPacketTest {
    /** A softphone's compound report: SR with one report block, then SDES CNAME "user@host1". */
    static final String SR_SDES_HEX = ""
            + "81c8000c" + "12345678"
            + "e83c2a10" + "80000000" + "0001f400" + "000000fa" + "00009c40"
            + "9abcdef0" + "19000005" + "000103e8" + "00000020" + "2a108000" + "00010000"
            + "81ca0005" + "12345678" + "010a" + "75736572" + "40686f73" + "7431" + "00000000";
    /** An RR with no report block, as sent before any RTP arrived, and an SDES. */
    static final String RR_EMPTY_HEX = "80c90001" + "0badcafe" + "81ca0003" + "0badcafe" + "01036162" + "63000000";

    private static ByteBuf at(int offset, String hex) {
        byte[] bytes = ByteBufUtil.decodeHexDump(hex);
        ByteBuf buf = Unpooled.buffer(offset + bytes.length);
        buf.writeZero(offset);
        buf.writeBytes(bytes);
        return buf;
    }

    @Test
    void readsSenderReportFieldsAtNonZeroOffset() {
        ByteBuf buf = at(7, SR_SDES_HEX);
        assertTrue(RtcpPacket.compoundValid(buf, 7, buf.readableBytes() - 7));
        assertEquals(RtcpPacket.SR, RtcpPacket.packetType(buf, 7));
        assertEquals(1, RtcpPacket.count(buf, 7));
        assertEquals(52, RtcpPacket.lengthBytes(buf, 7));
        assertEquals(0x12345678L, RtcpPacket.senderSsrc(buf, 7));
        assertEquals(0x2a108000L, RtcpPacket.ntpMiddle32(buf, 7));
        assertEquals(0x1f400L, RtcpPacket.srRtpTimestamp(buf, 7));
        assertEquals(250, RtcpPacket.srPacketCount(buf, 7));
        assertEquals(40000, RtcpPacket.srOctetCount(buf, 7));
        int block = RtcpPacket.reportBlockOffset(buf, 7, 0);
        assertEquals(7 + 28, block);
        assertEquals(0x9abcdef0L, RtcpPacket.blockSsrc(buf, block));
        assertEquals(25, RtcpPacket.blockFractionLost(buf, block));
        assertEquals(5, RtcpPacket.blockCumulativeLost(buf, block));
        assertEquals(0x103e8L, RtcpPacket.blockHighestSequence(buf, block));
        assertEquals(32, RtcpPacket.blockJitter(buf, block));
        assertEquals(0x2a108000L, RtcpPacket.blockLastSr(buf, block));
        assertEquals(65536, RtcpPacket.blockDelaySinceLastSr(buf, block));
        assertEquals("user@host1", RtcpPacket.sdesCname(buf, 7 + 52));
    }

    @Test
    void rejectsTruncatedAndMalformedCompounds() {
        byte[] full = ByteBufUtil.decodeHexDump(SR_SDES_HEX);
        for (int cut = 0; cut < full.length; cut++) {
            if (cut == 52) {
                assertTrue(RtcpPacket.compoundValid(Unpooled.wrappedBuffer(full, 0, cut), 0, cut), "the SR alone");
                continue;
            }
            ByteBuf buf = Unpooled.wrappedBuffer(full, 0, cut);
            assertFalse(RtcpPacket.compoundValid(buf, 0, cut), "truncated at " + cut);
        }
        ByteBuf sdesFirst = at(0, RR_EMPTY_HEX.substring(16));
        assertFalse(RtcpPacket.compoundValid(sdesFirst, 0, sdesFirst.readableBytes()), "must start with SR/RR");
        ByteBuf v1 = at(0, "40c90001" + "0badcafe");
        assertFalse(RtcpPacket.compoundValid(v1, 0, 8), "version 1");
        ByteBuf tooShortForCount = at(0, "82c90001" + "0badcafe");
        assertFalse(RtcpPacket.compoundValid(tooShortForCount, 0, 8), "RC=2 without blocks");
        ByteBuf rr = at(0, RR_EMPTY_HEX);
        assertTrue(RtcpPacket.compoundValid(rr, 0, rr.readableBytes()));
    }

    @Test
    void writesWhatItReads() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeZero(5);
        RtcpPacket.writeReportHeader(buf, true, 1, 0x12345678L, 0xe83c2a1080000000L, 0x1f400L, 250, 40000);
        RtcpPacket.writeReportBlock(buf, 0x9abcdef0L, 25, 5, 0x103e8L, 32, 0x2a108000L, 65536);
        RtcpPacket.writeSdesCname(buf, 0x12345678L, "user@host1".getBytes(StandardCharsets.US_ASCII));
        buf.readerIndex(5);
        assertEquals(SR_SDES_HEX, ByteBufUtil.hexDump(buf));
    }

    @Test
    void negativeCumulativeLossIsSigned() {
        ByteBuf buf = Unpooled.buffer();
        RtcpPacket.writeReportHeader(buf, false, 1, 1, 0, 0, 0, 0);
        RtcpPacket.writeReportBlock(buf, 2, 0, -3, 10, 0, 0, 0);
        assertEquals(-3, RtcpPacket.blockCumulativeLost(buf, RtcpPacket.reportBlockOffset(buf, 0, 0)));
    }

    @Test
    void demultiplexesRtcpFromRtpOnOnePort() {
        assertTrue(RtcpPacket.isRtcpOnMuxedPort(at(3, SR_SDES_HEX), 3, 72));
        ByteBuf rtp = at(0, "80000001" + "000000a0" + "11223344");
        assertFalse(RtcpPacket.isRtcpOnMuxedPort(rtp, 0, 12));
        ByteBuf eventWithMarker = at(0, "80e50001" + "000000a0" + "11223344"); // PT 101, M set: 229
        assertFalse(RtcpPacket.isRtcpOnMuxedPort(eventWithMarker, 0, 12));
    }
}
