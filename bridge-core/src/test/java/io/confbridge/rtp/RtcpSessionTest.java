package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RtcpSessionTest {
    private static final long MS = 1_000_000L;
    private static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 40000);

    private static ByteBuf rtp(int seq, long ts, long ssrc) {
        ByteBuf buf = Unpooled.buffer(172);
        RtpHeader.writeFixedHeader(buf, 0, false, 0, seq, ts, ssrc);
        buf.writerIndex(172);
        return buf;
    }

    @Test
    void roundTripFromLsrAndDlsr() {
        // RFC 3550 §6.4.1 example numbers: A=0xb710:8000 LSR=0xb705:2000 DLSR=0x0005:4000 -> 6.125 s
        assertEquals(0x0006_2000L, RtcpSession.roundTrip(0xb7108000L, 0xb7052000L, 0x00054000L));
        assertEquals(-1, RtcpSession.roundTrip(0xb7108000L, 0, 0x00054000L), "no SR received yet");
        assertEquals(-1, RtcpSession.roundTrip(0x1000L, 0x2000L, 0), "negative: the caller's DLSR is off");
    }

    @Test
    void twoSessionsMeasureRoundTripLossAndJitterFromEachOthersReports() {
        RtcpSession bridge = new RtcpSession(CALLER, null, false, 0);
        RtcpSession caller = new RtcpSession(CALLER, null, false, 0);
        long t0 = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            ByteBuf p = rtp(i, 160L * i, 0xABCDL);
            bridge.onRtpSent(p);
            if (i % 20 != 5) {
                caller.onRtpReceived(p, 0, t0 + 20 * MS * i);
            }
        }
        ByteBuf sr = Unpooled.buffer();
        bridge.writeReport(sr, t0 + 2_000 * MS);
        assertEquals(RtcpPacket.SR, RtcpPacket.packetType(sr, 0));
        assertEquals(100, RtcpPacket.srPacketCount(sr, 0));
        assertEquals(16_000, RtcpPacket.srOctetCount(sr, 0));
        assertEquals(0xABCDL, RtcpPacket.senderSsrc(sr, 0));
        assertEquals(160L * 99, RtcpPacket.srRtpTimestamp(sr, 0));
        caller.onRtcp(sr, CALLER, t0 + 2_030 * MS); // 30 ms on the way

        ByteBuf rr = Unpooled.buffer();
        caller.writeReport(rr, t0 + 3_030 * MS); // held 1 s
        assertEquals(RtcpPacket.RR, RtcpPacket.packetType(rr, 0), "the caller sent no RTP");
        bridge.onRtcp(rr, CALLER, t0 + 3_050 * MS); // 20 ms back

        assertTrue(bridge.rttMs() >= 49 && bridge.rttMs() <= 51, "rtt " + bridge.rttMs());
        assertEquals(5, bridge.peerCumulativeLost());
        assertEquals(5 * 256 / 100, bridge.peerFractionLost());
        assertEquals(t0 + 3_050 * MS, bridge.lastRtcpReceivedNs());
        assertTrue(bridge.summary().contains("rtt 50 ms") || bridge.summary().contains("rtt 49 ms"), bridge.summary());
    }

    /** Like RTP, no report goes to an address that has not shown it wants our media (hostile traffic, #9). */
    @Test
    void noReportBeforeTheCallIsConfirmed() {
        RtcpSession session = new RtcpSession(CALLER, null, false, 0);
        EmbeddedChannel rtpChannel = new EmbeddedChannel();
        EmbeddedChannel rtcpChannel = new EmbeddedChannel();
        boolean[] confirmed = {false};
        session.start(rtpChannel, rtcpChannel, () -> confirmed[0]);

        session.sendReport();
        assertNull(rtcpChannel.readOutbound(), "a never-ACKed INVITE's SDP address gets no RTCP");

        confirmed[0] = true;
        session.sendReport();
        DatagramPacket report = rtcpChannel.readOutbound();
        try {
            assertEquals(new InetSocketAddress("127.0.0.1", 40001), report.recipient());
            assertEquals(RtcpPacket.RR, RtcpPacket.packetType(report.content(), 0));
        } finally {
            report.release();
            session.close();
            rtpChannel.finishAndReleaseAll();
            rtcpChannel.finishAndReleaseAll();
        }
    }

    /** A valid compound: an RR with no blocks, then the SDES CNAME. */
    private static ByteBuf receiverReport() {
        ByteBuf rr = Unpooled.buffer();
        RtcpPacket.writeReportHeader(rr, false, 0, 0x5555_0001L, 0, 0, 0, 0);
        RtcpPacket.writeSdesCname(rr, 0x5555_0001L, "x@y".getBytes());
        return rr;
    }

    /** Where the next report goes. */
    private static InetSocketAddress nextReportTo(RtcpSession session, EmbeddedChannel rtcpChannel) {
        session.sendReport();
        DatagramPacket report = rtcpChannel.readOutbound();
        try {
            return report.recipient();
        } finally {
            report.release();
        }
    }

    /**
     * RTCP from an address that is none of the caller's moves nothing: not where the reports go, not the
     * caller's figures, not its liveness. From the caller's address on another port (its NAT's RTCP
     * mapping) it is the caller's.
     */
    @Test
    void aStrangersRtcpIsDroppedAndCountedAndTheCallersIsTakenFromAnyPort() {
        RtcpSession session = new RtcpSession(CALLER, null, false, 0);
        EmbeddedChannel rtpChannel = new EmbeddedChannel();
        EmbeddedChannel rtcpChannel = new EmbeddedChannel(session.rtcpHandler());
        session.start(rtpChannel, rtcpChannel, () -> true);
        try {
            InetSocketAddress stranger = new InetSocketAddress("127.0.0.66", 40001);
            rtcpChannel.writeInbound(new DatagramPacket(receiverReport(), new InetSocketAddress(0), stranger));
            assertEquals(1, session.foreignDropped());
            assertEquals(0, session.reportsReceived());
            assertEquals(0, session.lastRtcpReceivedNs(), "a stranger's RTCP is no sign of life");
            assertEquals(new InetSocketAddress("127.0.0.1", 40001), nextReportTo(session, rtcpChannel));
            assertTrue(session.summary().contains("1 from strangers dropped"), session.summary());

            InetSocketAddress callerNat = new InetSocketAddress("127.0.0.1", 50123);
            rtcpChannel.writeInbound(new DatagramPacket(receiverReport(), new InetSocketAddress(0), callerNat));
            assertEquals(1, session.reportsReceived());
            assertEquals(callerNat, nextReportTo(session, rtcpChannel), "symmetric RTCP");
        } finally {
            session.close();
            rtpChannel.finishAndReleaseAll();
            rtcpChannel.finishAndReleaseAll();
        }
    }

    /** A caller behind NAT: its SDP says a private address, its RTP and RTCP come from the NAT's public one. */
    @Test
    void rtcpFromWhereTheCallersRtpLatchedIsTheCallers() {
        InetSocketAddress privateSdp = new InetSocketAddress("10.0.0.5", 40000);
        RtcpSession session = new RtcpSession(privateSdp, null, false, 0);
        EmbeddedChannel rtcpChannel = new EmbeddedChannel(session.rtcpHandler());
        try {
            InetSocketAddress natRtcp = new InetSocketAddress("127.0.0.7", 61001);
            rtcpChannel.writeInbound(new DatagramPacket(receiverReport(), new InetSocketAddress(0), natRtcp));
            assertEquals(1, session.foreignDropped(), "before the RTP latched, the NAT's address is nobody's");
            session.callerLatched(new InetSocketAddress("127.0.0.7", 61000));
            rtcpChannel.writeInbound(new DatagramPacket(receiverReport(), new InetSocketAddress(0), natRtcp));
            assertEquals(1, session.reportsReceived());
        } finally {
            rtcpChannel.finishAndReleaseAll();
        }
    }

    @Test
    void malformedRtcpIsCountedNotThrown() {
        RtcpSession session = new RtcpSession(CALLER, null, false, 0);
        EmbeddedChannel rtcp = new EmbeddedChannel(session.rtcpHandler());
        ByteBuf junk = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("81c8000c12345678"));
        rtcp.writeInbound(new DatagramPacket(junk, new InetSocketAddress(0), CALLER));
        assertEquals(1, session.malformedDropped());
        assertEquals(0, session.lastRtcpReceivedNs());
        assertEquals(0, junk.refCnt());
        assertTrue(!rtcp.finish());
    }

    @Test
    void rtcpOnTheRtpPortIsTakenOutOfTheStreamAndRtpPassesThrough() {
        RtcpSession session = new RtcpSession(CALLER, null, true, 0);
        RtpSession rtp = new RtpSession(Codec.PCMU, 0, 101, CALLER, true, true);
        List<Integer> audio = new ArrayList<>();
        EmbeddedChannel rtpChannel = new EmbeddedChannel(rtp.handler());
        rtp.reportWith(session);
        rtp.attach(rtpChannel, null, new RtpSession.Receiver() {
            @Override
            public void onTelephoneEvent(ByteBuf buf, int payloadOffset, int payloadLength, long rtpTimestamp,
                                         boolean marker) {
            }

            @Override
            public void onAudio(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength) {
                audio.add(sequenceNumber);
            }
        });
        ByteBuf report = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(RtcpPacketTest.RR_EMPTY_HEX));
        rtpChannel.writeInbound(new DatagramPacket(report, new InetSocketAddress(0), CALLER));
        assertEquals(1, session.reportsReceived());
        assertTrue(session.lastRtcpReceivedNs() != 0);
        assertEquals(0, rtp.packetsReceived(), "RTCP is not taken for RTP");

        rtpChannel.writeInbound(new DatagramPacket(rtp(7, 1120, 0x55L), new InetSocketAddress(0), CALLER));
        assertEquals(List.of(7), audio, "RTP passes through to the session");
        assertEquals(1, session.reception().received());

        rtp.confirm();
        rtp.sendFrame(new byte[Codec.FRAME_SAMPLES], 0);
        RtpEnvelope sent = rtpChannel.readOutbound(); // latching: an addressed send
        long ourSsrc = RtpHeader.ssrc(sent.content(), 0);
        sent.release();
        ByteBuf sr = Unpooled.buffer();
        session.writeReport(sr, System.nanoTime());
        assertEquals(RtcpPacket.SR, RtcpPacket.packetType(sr, 0));
        assertEquals(ourSsrc, RtcpPacket.senderSsrc(sr, 0));
        int sdes = RtcpPacket.lengthBytes(sr, 0);
        assertTrue(RtcpPacket.sdesCname(sr, sdes).startsWith("confbridge-"));
        assertTrue(RtcpPacket.compoundValid(sr, 0, sr.readableBytes()));
        assertTrue(!rtpChannel.finish());
    }
}
