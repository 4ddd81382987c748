package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.confbridge.rtp.support.HostilePackets;
import io.confbridge.support.FuzzSeed;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded fuzzing of the RTP and RTCP parsers (issue 9 §5): hostile datagrams from {@link HostilePackets}, each
 * in a buffer that ends where the datagram ends and starts at a non-zero offset, so a read past the end
 * throws instead of reading a neighbour's bytes. Nothing may throw, every payload handed on lies inside the
 * datagram, every buffer is released. The seed is printed on failure; {@code -Dfuzz.seed=N} replays it.
 */
class HostileRtpParsingTest {
    private static final int CASES = 20_000;
    private static final int PCMU = 0;
    private static final int TELEPHONE_EVENT = 101;
    private static final int PREFIX = 7;
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 50000);

    private static final long SEED = FuzzSeed.orDefault(2718281828459045235L);

    /** The datagram at offset {@link #PREFIX} in a buffer exactly as long as prefix plus datagram. */
    private static ByteBuf atOffset(byte[] datagram) {
        ByteBuf buf = Unpooled.buffer(PREFIX + datagram.length, PREFIX + datagram.length);
        buf.writeZero(PREFIX).writeBytes(datagram).readerIndex(PREFIX);
        return buf;
    }

    private static String replay(int i, HostilePackets packets, byte[] datagram) {
        return "fuzz.seed=" + SEED + " case " + i + " (" + packets.lastKind() + "): " + ByteBufUtil.hexDump(datagram);
    }

    @Test
    void headerAndPayloadLengthsStayInsideEveryHostileDatagram() {
        HostilePackets packets = new HostilePackets(new Random(SEED), PCMU, 0x1234_5678L);
        int wellFormed = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] datagram = packets.next();
            ByteBuf buf = atOffset(datagram);
            try {
                int header = RtpHeader.headerLength(buf, PREFIX, datagram.length);
                int payload = RtpHeader.payloadLength(buf, PREFIX, datagram.length);
                if (payload >= 0) {
                    wellFormed++;
                    assertTrue(header >= RtpHeader.FIXED_HEADER_LENGTH && header + payload <= datagram.length,
                            "header " + header + " payload " + payload + ": " + replay(i, packets, datagram));
                    buf.getBytes(PREFIX + header, new byte[payload]);
                }
                if (RtcpPacket.compoundValid(buf, PREFIX, datagram.length)) {
                    walkCompound(buf, PREFIX, datagram.length);
                }
            } catch (RuntimeException e) {
                fail(replay(i, packets, datagram), e);
            }
        }
        assertTrue(wellFormed > CASES / 20, "the generator also makes parseable packets, to reach the payload");
    }

    @Test
    void theRtpSessionDropsEveryHostileDatagramWithoutThrowingAndReleasesIt() {
        RtpSession session = new RtpSession(Codec.PCMU, PCMU, TELEPHONE_EVENT, CALLER, true, false);
        EmbeddedChannel channel = new EmbeddedChannel(session.handler());
        int[] delivered = {0};
        session.attach(channel, null, new RtpSession.Receiver() {
            @Override
            public void onTelephoneEvent(ByteBuf buf, int payloadOffset, int payloadLength, long rtpTimestamp,
                                         boolean marker) {
                readPayload(buf, payloadOffset, payloadLength);
            }

            @Override
            public void onAudio(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength) {
                readPayload(buf, payloadOffset, payloadLength);
            }

            private void readPayload(ByteBuf buf, int payloadOffset, int payloadLength) {
                assertTrue(payloadOffset >= buf.readerIndex() && payloadOffset + payloadLength <= buf.writerIndex(),
                        "payload " + payloadOffset + "+" + payloadLength + " outside " + buf);
                buf.getBytes(payloadOffset, new byte[payloadLength]);
                delivered[0]++;
            }
        });
        HostilePackets packets = new HostilePackets(new Random(SEED), PCMU, 0x1234_5678L);
        for (int i = 0; i < CASES; i++) {
            byte[] datagram = packets.next();
            ByteBuf buf = atOffset(datagram);
            try {
                channel.writeInbound(new DatagramPacket(buf, LOCAL, CALLER));
            } catch (RuntimeException | AssertionError e) {
                fail(replay(i, packets, datagram), e);
            }
            assertEquals(0, buf.refCnt(), "released: " + replay(i, packets, datagram));
        }
        assertEquals(CASES, session.packetsReceived() + session.malformedDropped(), "every datagram counted");
        assertTrue(delivered[0] > 0 && session.malformedDropped() > 0, "both paths were reached, fuzz.seed=" + SEED);
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void theRtcpSessionDropsEveryHostileDatagramWithoutThrowing() {
        RtcpSession session = new RtcpSession(CALLER, null, false, PCMU);
        HostilePackets packets = new HostilePackets(new Random(SEED), PCMU, 0x1234_5678L);
        long nowNs = 1_000_000_000L;
        for (int i = 0; i < CASES; i++) {
            byte[] datagram = packets.next();
            ByteBuf buf = atOffset(datagram);
            try {
                session.onRtcp(buf, CALLER, nowNs += 1_000_000L);
            } catch (RuntimeException e) {
                fail(replay(i, packets, datagram), e);
            }
        }
        assertTrue(session.reportsReceived() > 0 && session.malformedDropped() > 0,
                "both paths were reached, fuzz.seed=" + SEED);
        assertEquals(CASES, session.reportsReceived() + session.malformedDropped(), "every datagram counted");
    }

    /** Reads every field of a valid compound as {@link RtcpSession} and a monitoring tool would. */
    private static void walkCompound(ByteBuf buf, int offset, int length) {
        int end = offset + length;
        for (int at = offset; at < end; at += RtcpPacket.lengthBytes(buf, at)) {
            int type = RtcpPacket.packetType(buf, at);
            if (type == RtcpPacket.SR || type == RtcpPacket.RR) {
                RtcpPacket.senderSsrc(buf, at);
                if (type == RtcpPacket.SR) {
                    RtcpPacket.ntpMiddle32(buf, at);
                    RtcpPacket.srOctetCount(buf, at);
                }
                for (int i = 0; i < RtcpPacket.count(buf, at); i++) {
                    int block = RtcpPacket.reportBlockOffset(buf, at, i);
                    RtcpPacket.blockDelaySinceLastSr(buf, block);
                }
            } else if (type == RtcpPacket.SDES) {
                RtcpPacket.sdesCname(buf, at);
            }
        }
    }
}
