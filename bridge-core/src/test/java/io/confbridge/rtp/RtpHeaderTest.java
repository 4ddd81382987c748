package io.confbridge.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RtpHeaderTest {

    /** A PCMU packet as sent by a desk phone: seq 7258, ts 40960, SSRC 0xdeadbeef, 4 payload bytes. */
    private static final String PCMU = "80001c5a0000a000deadbeef" + "fffefdfc";
    /** CC=2, X=1, M=1, PT=101: two CSRCs, a one-word extension (RFC 8285 one-byte header), 4 payload bytes. */
    private static final String CSRC_AND_EXTENSION = "92e5ffff" + "fffffff0" + "00000001"
            + "11111111" + "22222222"
            + "bede0001" + "10ff0000"
            + "0b0a00a0";
    /** P=1: 4 payload bytes, then 3 padding bytes whose last one counts them. */
    private static final String PADDED = "a0000001000000a000000001" + "01020304" + "000003";

    private final List<ByteBuf> buffers = new ArrayList<>();

    @AfterEach
    void release() {
        buffers.forEach(ByteBuf::release);
    }

    /** The packet at {@code offset}, between junk that a reader using the wrong index would trip over. */
    private ByteBuf packetAt(int offset, String hex) {
        byte[] packet = ByteBufUtil.decodeHexDump(hex);
        ByteBuf buf = Unpooled.buffer(offset + packet.length + 8);
        for (int i = 0; i < offset; i++) {
            buf.writeByte(0x5A);
        }
        buf.writeBytes(packet);
        buf.writeLong(0x7F7F7F7F7F7F7F7FL);
        buffers.add(buf);
        return buf;
    }

    private static int length(String hex) {
        return hex.length() / 2;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 37})
    void readsFixedHeaderFields(int offset) {
        ByteBuf buf = packetAt(offset, PCMU);
        assertEquals(2, RtpHeader.version(buf, offset));
        assertFalse(RtpHeader.hasPadding(buf, offset));
        assertFalse(RtpHeader.hasExtension(buf, offset));
        assertEquals(0, RtpHeader.csrcCount(buf, offset));
        assertFalse(RtpHeader.marker(buf, offset));
        assertEquals(0, RtpHeader.payloadType(buf, offset));
        assertEquals(0x1c5a, RtpHeader.sequenceNumber(buf, offset));
        assertEquals(0xa000L, RtpHeader.timestamp(buf, offset));
        assertEquals(0xdeadbeefL, RtpHeader.ssrc(buf, offset));
        assertEquals(12, RtpHeader.headerLength(buf, offset, length(PCMU)));
        assertEquals(4, RtpHeader.payloadLength(buf, offset, length(PCMU)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 21})
    void readsUnsignedExtremesAndMarker(int offset) {
        ByteBuf buf = packetAt(offset, CSRC_AND_EXTENSION);
        assertTrue(RtpHeader.marker(buf, offset));
        assertEquals(101, RtpHeader.payloadType(buf, offset));
        assertEquals(65535, RtpHeader.sequenceNumber(buf, offset));
        assertEquals(0xfffffff0L, RtpHeader.timestamp(buf, offset));
        assertEquals(1L, RtpHeader.ssrc(buf, offset));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 21})
    void skipsCsrcsAndExtension(int offset) {
        ByteBuf buf = packetAt(offset, CSRC_AND_EXTENSION);
        assertTrue(RtpHeader.hasExtension(buf, offset));
        assertEquals(2, RtpHeader.csrcCount(buf, offset));
        assertEquals(0x11111111L, RtpHeader.csrc(buf, offset, 0));
        assertEquals(0x22222222L, RtpHeader.csrc(buf, offset, 1));
        int header = RtpHeader.headerLength(buf, offset, length(CSRC_AND_EXTENSION));
        assertEquals(12 + 8 + 4 + 4, header);
        assertEquals(4, RtpHeader.payloadLength(buf, offset, length(CSRC_AND_EXTENSION)));
        assertEquals(0x0b, buf.getUnsignedByte(offset + header));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5})
    void subtractsPadding(int offset) {
        ByteBuf buf = packetAt(offset, PADDED);
        assertTrue(RtpHeader.hasPadding(buf, offset));
        assertEquals(12, RtpHeader.headerLength(buf, offset, length(PADDED)));
        assertEquals(4, RtpHeader.payloadLength(buf, offset, length(PADDED)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9})
    void rejectsMalformedPackets(int offset) {
        // shorter than the fixed header
        ByteBuf shortOne = packetAt(offset, PCMU.substring(0, 22));
        assertEquals(-1, RtpHeader.headerLength(shortOne, offset, 11));
        assertEquals(-1, RtpHeader.payloadLength(shortOne, offset, 11));
        // version 1 and version 0 (e.g. a STUN message on the RTP port)
        assertEquals(-1, RtpHeader.headerLength(packetAt(offset, "4" + PCMU.substring(1)), offset, length(PCMU)));
        assertEquals(-1, RtpHeader.headerLength(packetAt(offset, "0" + PCMU.substring(1)), offset, length(PCMU)));
        // CSRC count 15 but only 4 bytes after the fixed header
        assertEquals(-1, RtpHeader.headerLength(packetAt(offset, "8f" + PCMU.substring(2)), offset, length(PCMU)));
        // extension length 0x0100 words, far past the end
        String overrun = CSRC_AND_EXTENSION.replace("bede0001", "bede0100");
        assertEquals(-1, RtpHeader.headerLength(packetAt(offset, overrun), offset, length(overrun)));
        // X set but not even the 4-byte extension header fits
        String noRoom = "900000010000000000000001";
        assertEquals(-1, RtpHeader.headerLength(packetAt(offset, noRoom), offset, length(noRoom)));
        // padding count larger than the payload, and a padding count of zero
        String tooMuch = PADDED.substring(0, PADDED.length() - 2) + "08";
        assertEquals(-1, RtpHeader.payloadLength(packetAt(offset, tooMuch), offset, length(tooMuch)));
        String zero = PADDED.substring(0, PADDED.length() - 2) + "00";
        assertEquals(-1, RtpHeader.payloadLength(packetAt(offset, zero), offset, length(zero)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 13})
    void writesFixedHeaderWithoutMovingIndexes(int offset) {
        ByteBuf buf = Unpooled.buffer(64);
        buffers.add(buf);
        buf.writerIndex(offset + 12);
        buf.setByte(offset, 0xFF); // stale bits the writer must clear
        RtpHeader.writeFixedHeader(buf, offset, true, 8, 0x1_2345, 0x1_8765_4321L, 0xCAFEBABEL);
        assertEquals(offset + 12, buf.writerIndex());
        assertEquals(0, buf.readerIndex());
        assertEquals("80882345876543" + "21cafebabe", ByteBufUtil.hexDump(buf, offset, 12));
        assertEquals(12, RtpHeader.headerLength(buf, offset, 12));
        assertTrue(RtpHeader.marker(buf, offset));
        assertEquals(8, RtpHeader.payloadType(buf, offset));
        assertEquals(0x2345, RtpHeader.sequenceNumber(buf, offset));
        assertEquals(0x87654321L, RtpHeader.timestamp(buf, offset));
        assertEquals(0xCAFEBABEL, RtpHeader.ssrc(buf, offset));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 128})
    void refusesPayloadTypeOutOfRange(int payloadType) {
        ByteBuf buf = Unpooled.buffer(12);
        buffers.add(buf);
        assertThrows(IllegalArgumentException.class,
                () -> RtpHeader.writeFixedHeader(buf, 0, false, payloadType, 0, 0, 0));
    }
}
