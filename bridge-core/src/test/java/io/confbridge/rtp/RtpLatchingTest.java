package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Symmetric RTP (RFC 4961) with strict sources: probation of a new source, stray packets, re-latching,
 * and what the session sends where; driven directly with explicit times and through an EmbeddedChannel.
 */
class RtpLatchingTest {
    private static final int PCMU = 0;
    private static final int TELEPHONE_EVENT = 101;
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);
    /** Where the caller's SDP says it receives: a private address behind its NAT. */
    private static final InetSocketAddress SDP = new InetSocketAddress("127.0.0.99", 40000);
    /** Where its RTP really comes from: the NAT's public side. */
    private static final InetSocketAddress NAT = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress NAT_REBOUND = new InetSocketAddress("127.0.0.1", 50010);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.1", 50002);
    private static final int CALLER_SSRC = 0x1a2b3c4d;
    private static final int STRANGER_SSRC = 0x55667788;
    private static final byte[] FRAME = new byte[Codec.FRAME_SAMPLES];
    private static final long MS = 1_000_000L;

    private final List<String> delivered = new ArrayList<>();
    private RtpSession session;
    private EmbeddedChannel channel;

    private RtpSession attached(boolean latching, InetSocketAddress sdp) {
        session = new RtpSession(Codec.PCMU, PCMU, TELEPHONE_EVENT, sdp, true, latching);
        channel = new EmbeddedChannel(session.handler());
        session.attach(channel, null, new RtpSession.Receiver() {
            @Override
            public void onTelephoneEvent(ByteBuf buf, int payloadOffset, int payloadLength, long rtpTimestamp,
                                         boolean marker) {
                delivered.add("event " + buf.getUnsignedByte(payloadOffset));
            }

            @Override
            public void onAudio(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength) {
                delivered.add("audio " + sequenceNumber);
            }
        });
        return session;
    }

    @AfterEach
    void nothingLeft() {
        assertNull(channel.readInbound());
        assertNull(channel.readOutbound(), "every packet sent was checked");
        assertFalse(channel.finish());
        session.close(); // the session's own reusable packet: not closing it leaked one buffer per test that sent
    }

    private static ByteBuf rtp(int payloadType, int sequenceNumber, int ssrc) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80).writeByte(payloadType).writeShort(sequenceNumber).writeInt(160 * sequenceNumber)
                .writeInt(ssrc).writeByte(0xff).writeByte(0xff);
        return buf;
    }

    /** Feeds the session directly at an explicit time; checks the buffer was not kept. */
    private void receive(InetSocketAddress from, int sequenceNumber, int ssrc, long nowNs) {
        ByteBuf packet = rtp(PCMU, sequenceNumber, ssrc);
        session.onPacket(packet, from, nowNs);
        packet.release();
    }

    /** One tick's frame; returns where it went, or null when nothing was sent. */
    private InetSocketAddress sendOneFrame() {
        session.sendFrame(FRAME, 0);
        Object sent = channel.readOutbound();
        if (sent == null) {
            return null;
        }
        AddressedEnvelope<?, ?> envelope = assertInstanceOf(AddressedEnvelope.class, sent);
        InetSocketAddress to = (InetSocketAddress) envelope.recipient();
        assertEquals(12 + Codec.FRAME_SAMPLES, ((ByteBuf) envelope.content()).readableBytes());
        envelope.release();
        return to;
    }

    @Test
    void sendsNothingBeforeTheAckOrTheCallersFirstPacket() {
        attached(true, SDP);
        assertNull(sendOneFrame(), "not confirmed yet");
        session.confirm();
        assertEquals(SDP, sendOneFrame(), "confirmed by the ACK: to the SDP address until RTP arrives");
    }

    @Test
    void theCallersFirstAcceptedPacketAlsoConfirms() {
        attached(true, NAT);
        receive(NAT, 1, CALLER_SSRC, 0);
        assertEquals(NAT, sendOneFrame());
        assertEquals(List.of("audio 1"), delivered);
    }

    @Test
    void aNewSourceLatchesAfterFourConsecutivePacketsAndRtpThenGoesThere() {
        attached(true, SDP);
        session.confirm();
        for (int seq = 100; seq < 100 + RtpSession.PROBATION_PACKETS - 1; seq++) {
            receive(NAT, seq, CALLER_SSRC, seq * 20 * MS);
            assertEquals(SDP, sendOneFrame(), "on probation: still sending to the SDP address");
        }
        assertEquals(List.of(), delivered, "packets on probation are not delivered");
        receive(NAT, 103, CALLER_SSRC, 103 * 20 * MS);
        assertEquals(List.of("audio 103"), delivered);
        assertEquals(NAT, sendOneFrame(), "latched onto where the RTP really comes from");
        assertEquals(NAT, session.sendingTo());
        assertEquals(1, session.latches());
        assertEquals(3, session.foreignDropped());
    }

    /**
     * A source port of 0 (RFC 768: no reply wanted; SIPp's pcap replay sends so) can never be sent to: its
     * audio is taken after probation, but the stream keeps going to the SDP address.
     */
    @Test
    void aSourceWithPortZeroIsHeardButNeverLatchedOnto() {
        attached(true, SDP);
        session.confirm();
        InetSocketAddress portZero = new InetSocketAddress("127.0.0.1", 0);
        for (int seq = 200; seq < 200 + RtpSession.PROBATION_PACKETS + 2; seq++) {
            receive(portZero, seq, CALLER_SSRC, seq * 20 * MS);
            assertEquals(SDP, sendOneFrame(), "still sending to the SDP address");
        }
        assertEquals(List.of("audio 203", "audio 204", "audio 205"), delivered, "heard after probation");
        assertEquals(0, session.latches());
        assertEquals(SDP, session.sendingTo());
    }

    @Test
    void aRunBrokenBySequenceSsrcOrPayloadTypeStartsProbationAgain() {
        attached(true, SDP);
        receive(NAT, 1, CALLER_SSRC, 0);
        receive(NAT, 2, CALLER_SSRC, 0);
        receive(NAT, 4, CALLER_SSRC, 0); // a gap: the run starts again here
        receive(NAT, 5, CALLER_SSRC, 0);
        receive(NAT, 6, STRANGER_SSRC, 0); // another SSRC: again
        ByteBuf comfortNoise = rtp(13, 7, STRANGER_SSRC);
        session.onPacket(comfortNoise, NAT, 0); // not negotiated: never counts towards a run
        comfortNoise.release();
        receive(NAT, 7, STRANGER_SSRC, 0);
        receive(NAT, 8, STRANGER_SSRC, 0);
        assertEquals(0, session.latches());
        assertEquals(List.of(), delivered);
        receive(NAT, 9, STRANGER_SSRC, 0);
        assertEquals(1, session.latches());
        assertEquals(List.of("audio 9"), delivered);
    }

    @Test
    void packetsFromTheSdpAddressAreAcceptedAtOnce() {
        attached(true, NAT);
        receive(NAT, 1, CALLER_SSRC, 0);
        assertEquals(List.of("audio 1"), delivered);
        assertEquals(1, session.latches());
        assertEquals(0, session.foreignDropped());
    }

    @Test
    void oneStrayPacketNeverMovesTheStream() {
        attached(true, SDP);
        session.confirm();
        latchOntoNat(0);
        delivered.clear();
        for (int i = 0; i < 10; i++) {
            receive(STRANGER, 1000 + 7 * i, STRANGER_SSRC, (10 + i) * 20 * MS); // strays, not a run
            receive(NAT, 10 + i, CALLER_SSRC, (10 + i) * 20 * MS);
        }
        assertEquals(10, delivered.size(), "only the caller's packets");
        assertEquals(NAT, sendOneFrame());
        assertEquals(1, session.latches());
    }

    @Test
    void aStrangersRunDoesNotMoveALiveStream() {
        attached(true, SDP);
        session.confirm();
        latchOntoNat(0);
        long foreignBefore = session.foreignDropped();
        for (int seq = 500; seq < 510; seq++) {
            receive(STRANGER, seq, STRANGER_SSRC, 100 * MS); // a well-formed run, but the caller spoke 20 ms ago
        }
        assertEquals(NAT, sendOneFrame(), "the stream stays where it is");
        assertEquals(foreignBefore + 10, session.foreignDropped(), "every foreign packet is counted");
        assertEquals(1, session.latches());
    }

    @Test
    void theCallersStreamFollowsANatRebindingOnceTheOldMappingIsQuiet() {
        attached(true, SDP);
        session.confirm();
        latchOntoNat(0);
        delivered.clear();
        long afterSilence = 60 * MS + RtpSession.RELATCH_SILENCE_NS;
        for (int seq = 4; seq < 4 + RtpSession.PROBATION_PACKETS; seq++) {
            receive(NAT_REBOUND, seq, CALLER_SSRC, afterSilence + seq * 20 * MS);
        }
        assertEquals(List.of("audio 7"), delivered);
        assertEquals(NAT_REBOUND, sendOneFrame());
        assertEquals(2, session.latches());
        receive(NAT, 8, CALLER_SSRC, afterSilence + 200 * MS);
        assertEquals(List.of("audio 7"), delivered, "the old mapping is now foreign");
    }

    @Test
    void theCallersSsrcFromElsewhereDoesNotMoveALiveStream() {
        attached(true, SDP);
        session.confirm();
        latchOntoNat(0);
        delivered.clear();
        for (int seq = 4; seq < 12; seq++) {
            receive(NAT_REBOUND, seq, CALLER_SSRC, 100 * MS); // someone who learnt the SSRC, while the caller talks
        }
        assertEquals(List.of(), delivered);
        assertEquals(NAT, sendOneFrame());
    }

    @Test
    void anotherSsrcNeverTakesTheStreamOverEvenAfterSilence() {
        attached(true, SDP);
        session.confirm();
        latchOntoNat(0);
        delivered.clear();
        long later = 60 * MS + 5 * RtpSession.RELATCH_SILENCE_NS;
        for (int seq = 700; seq < 710; seq++) {
            receive(STRANGER, seq, STRANGER_SSRC, later);
        }
        assertEquals(List.of(), delivered);
        assertEquals(NAT, sendOneFrame(), "no RTP bleed: our audio never goes to a stranger");
        assertEquals(1, session.latches());
    }

    @Test
    void aReInviteToANewAddressStartsLearningAgain() {
        attached(true, SDP);
        session.confirm();
        latchOntoNat(0);
        InetSocketAddress moved = new InetSocketAddress("127.0.0.98", 40002);
        session.update(moved, true);
        assertEquals(moved, sendOneFrame(), "to the new SDP address until the caller's RTP shows where it is");
        receive(moved, 20, CALLER_SSRC, 100 * MS);
        assertEquals(moved, sendOneFrame());
    }

    @Test
    void offModeAcceptsOnlyTheSdpAddressHoweverLongTheRun() {
        attached(false, SDP);
        for (int seq = 1; seq <= 10; seq++) {
            receive(NAT, seq, CALLER_SSRC, seq * 20 * MS);
        }
        assertEquals(List.of(), delivered);
        assertEquals(10, session.foreignDropped());
        assertEquals(0, session.latches());
        session.confirm();
        session.sendFrame(FRAME, 0);
        ByteBuf sent = assertInstanceOf(ByteBuf.class, channel.readOutbound(), "connected: plain buffers");
        sent.release();
    }

    @Test
    void envelopesAreReusedOnceWritten() {
        attached(true, NAT);
        session.confirm();
        session.sendFrame(FRAME, 0);
        Object first = channel.readOutbound();
        ((AddressedEnvelope<?, ?>) first).release();
        session.sendFrame(FRAME, 0);
        Object second = channel.readOutbound();
        assertSame(first, second, "no envelope per packet");
        ((AddressedEnvelope<?, ?>) second).release();
    }

    @Test
    void latchesThroughTheChannelHandlerAndReleasesEveryPacket() {
        attached(true, SDP);
        List<ByteBuf> packets = new ArrayList<>();
        for (int seq = 1; seq <= RtpSession.PROBATION_PACKETS; seq++) {
            ByteBuf packet = rtp(PCMU, seq, CALLER_SSRC);
            packets.add(packet);
            channel.writeInbound(new DatagramPacket(packet, LOCAL, NAT));
        }
        ByteBuf injected = rtp(TELEPHONE_EVENT, 9, STRANGER_SSRC);
        packets.add(injected);
        channel.writeInbound(new DatagramPacket(injected, LOCAL, STRANGER));
        assertEquals(List.of("audio " + RtpSession.PROBATION_PACKETS), delivered);
        for (ByteBuf packet : packets) {
            assertEquals(0, packet.refCnt());
        }
        assertEquals(NAT, sendOneFrame(), "the caller's packet confirmed the call");
    }

    private void latchOntoNat(long startNs) {
        for (int seq = 0; seq < RtpSession.PROBATION_PACKETS; seq++) {
            receive(NAT, seq, CALLER_SSRC, startNs + seq * 20 * MS);
        }
        assertEquals(NAT, session.sendingTo());
    }
}
