package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call's SRTP in front of its RTP session, in an EmbeddedChannel: the caller's SRTP (DTMF included) is
 * decrypted before the session reads it, forged and replayed packets are dropped and counted and never
 * latch the stream, what the bridge sends is SRTP the caller can decrypt, RTCP both ways is SRTCP,
 * and a re-INVITE's new key replaces the context.
 */
class SrtpStreamTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int PCMU = 0;
    private static final int TELEPHONE_EVENT = 101;
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress SDP_ADDRESS = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress NATTED = new InetSocketAddress("127.0.0.1", 50010);
    private static final byte[] OUR_KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] OUR_SALT = HEX.parseHex("101112131415161718191a1b1c1d");
    private static final byte[] CALLER_KEY = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    private static final byte[] CALLER_SALT = HEX.parseHex("e0e1e2e3e4e5e6e7e8e9eaebeced");
    private static final SrtpContext.Suite SUITE = SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80;

    private final List<String> delivered = new ArrayList<>();
    private final RtpSession session = new RtpSession(Codec.PCMU, PCMU, TELEPHONE_EVENT, SDP_ADDRESS, true, true);
    private final SrtpContext callerSends = new SrtpContext(SUITE, CALLER_KEY, CALLER_SALT);
    private EmbeddedChannel channel;
    private final RtcpSession rtcp = new RtcpSession(SDP_ADDRESS, null, true, PCMU);
    private SrtpStream srtp;

    @BeforeEach
    void attach() {
        channel = new EmbeddedChannel(session.handler());
        session.reportWith(rtcp); // as CallFactory wires it
        session.attach(channel, null, new RtpSession.Receiver() {
            @Override
            public void onTelephoneEvent(ByteBuf buf, int payloadOffset, int payloadLength, long rtpTimestamp,
                                         boolean marker) {
                delivered.add("event " + buf.getUnsignedByte(payloadOffset));
            }

            @Override
            public void onAudio(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength) {
                delivered.add("audio " + sequenceNumber + " " + ByteBufUtil.hexDump(buf, payloadOffset, payloadLength));
            }
        });
        srtp = new SrtpStream(channel, null);
        srtp.rekey(new SrtpKeys(SUITE, OUR_KEY, OUR_SALT, CALLER_KEY, CALLER_SALT));
    }

    @AfterEach
    void nothingLeft() {
        assertNull(channel.readInbound(), "the handlers pass nothing on");
        assertFalse(channel.finish());
    }

    /** An RTP packet as the caller would encrypt it with {@code context}. */
    private static byte[] srtp(SrtpContext context, int payloadType, int sequenceNumber, int... payload) {
        byte[] packet = new byte[12 + payload.length + 10];
        packet[0] = (byte) 0x80;
        packet[1] = (byte) payloadType;
        packet[2] = (byte) (sequenceNumber >>> 8);
        packet[3] = (byte) sequenceNumber;
        packet[8] = 0x1a;
        packet[9] = 0x2b;
        packet[10] = 0x3c;
        packet[11] = 0x4d;
        for (int i = 0; i < payload.length; i++) {
            packet[12 + i] = (byte) payload[i];
        }
        int length = context.protect(packet, 0, 12 + payload.length);
        return Arrays.copyOf(packet, length);
    }

    private void receive(byte[] packet, InetSocketAddress from) {
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(packet), LOCAL, from));
    }

    @Test
    void callersSrtpIsDecryptedBeforeTheSessionReadsIt() {
        receive(srtp(callerSends, PCMU, 7, 0x11, 0x22, 0x33), SDP_ADDRESS);
        receive(srtp(callerSends, TELEPHONE_EVENT, 8, 5, 0x0a, 0x00, 0xa0), SDP_ADDRESS);
        assertEquals(List.of("audio 7 112233", "event 5"), delivered, "audio and RFC 4733 DTMF, in clear");
        assertEquals(2, session.packetsReceived());
        assertEquals(0, srtp.authDropped());
    }

    @Test
    void forgedPacketsAreCountedAndNeverLatchTheStream() {
        SrtpContext forger = new SrtpContext(SUITE, OUR_KEY, CALLER_SALT); // wrong key
        for (int seq = 1; seq <= 2 * RtpSession.PROBATION_PACKETS; seq++) {
            receive(srtp(forger, PCMU, seq, 0x55), NATTED);
        }
        assertEquals(2L * RtpSession.PROBATION_PACKETS, srtp.authDropped());
        assertEquals(0, session.latches(), "an SRTP packet that fails auth never counts toward probation");
        assertEquals(0, session.foreignDropped(), "the session never saw them");
        assertTrue(delivered.isEmpty());
    }

    @Test
    void aReplayIsDroppedAndCounted() {
        byte[] once = srtp(callerSends, PCMU, 100, 0x01);
        receive(once.clone(), SDP_ADDRESS);
        receive(once.clone(), SDP_ADDRESS);
        assertEquals(List.of("audio 100 01"), delivered);
        assertEquals(1, srtp.replayDropped());
    }

    @Test
    void whatTheBridgeSendsIsSrtpTheCallerDecrypts() {
        session.confirm();
        byte[] frame = new byte[Codec.FRAME_SAMPLES];
        Arrays.fill(frame, (byte) 0x7e);
        session.sendFrame(frame, 0);
        byte[] sent = takeSent();
        assertEquals(12 + Codec.FRAME_SAMPLES + SUITE.tagLength(), sent.length);
        // One keystream byte equals the clear byte by chance 1 time in 256; 160 of them never all do.
        assertFalse(Arrays.equals(frame, Arrays.copyOfRange(sent, 12, 12 + Codec.FRAME_SAMPLES)),
                "the payload is not in clear");
        SrtpContext callerReceives = new SrtpContext(SUITE, OUR_KEY, OUR_SALT);
        assertEquals(12 + Codec.FRAME_SAMPLES, callerReceives.unprotect(sent, 0, sent.length));
        assertArrayEquals(frame, Arrays.copyOfRange(sent, 12, 12 + Codec.FRAME_SAMPLES));
    }

    @Test
    void rtcpOnTheMuxedPortIsSrtcpBothWays() {
        ByteBuf callersReport = Unpooled.buffer();
        new RtcpSession(null, null, true, PCMU).writeReport(callersReport, System.nanoTime());
        byte[] report = ByteBufUtil.getBytes(callersReport);
        byte[] toBridge = Arrays.copyOf(report, report.length + SrtcpContext.OVERHEAD);
        int length = new SrtcpContext(CALLER_KEY, CALLER_SALT).protect(toBridge, 0, report.length);
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(toBridge, 0, length), LOCAL, SDP_ADDRESS));
        assertEquals(1, rtcp.reportsReceived(), "the RTCP session read the decrypted report");
        assertEquals(0, rtcp.malformedDropped());

        toBridge[20] ^= 1; // forged (and a replay): never reaches the RTCP session
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(toBridge, 0, length), LOCAL, SDP_ADDRESS));
        assertEquals(1, rtcp.reportsReceived());
        assertEquals(1, srtp.replayDropped() + srtp.authDropped());

        ByteBuf out = Unpooled.buffer(report.length + SrtcpContext.OVERHEAD).writeBytes(report);
        channel.writeOutbound(new DatagramPacket(out, SDP_ADDRESS));
        DatagramPacket sent = channel.readOutbound();
        byte[] srtcp = ByteBufUtil.getBytes(sent.content());
        sent.release();
        assertEquals(report.length + SrtcpContext.OVERHEAD, srtcp.length);
        assertEquals(report.length, new SrtcpContext(OUR_KEY, OUR_SALT).unprotect(srtcp, 0, srtcp.length));
        assertArrayEquals(report, Arrays.copyOf(srtcp, report.length));
    }

    @Test
    void aNewKeyOfTheCallersMeansANewContext() {
        receive(srtp(callerSends, PCMU, 1, 0x01), SDP_ADDRESS);
        byte[] newKey = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
        srtp.rekey(new SrtpKeys(SUITE, OUR_KEY, OUR_SALT, newKey, CALLER_SALT));
        receive(srtp(callerSends, PCMU, 2, 0x02), SDP_ADDRESS);
        assertEquals(1, srtp.authDropped(), "the old key no longer passes");
        receive(srtp(new SrtpContext(SUITE, newKey, CALLER_SALT), PCMU, 3, 0x03), SDP_ADDRESS);
        assertEquals(List.of("audio 1 01", "audio 3 03"), delivered);
    }

    private byte[] takeSent() {
        Object message = channel.readOutbound();
        try {
            ByteBuf content = message instanceof AddressedEnvelope<?, ?> e ? (ByteBuf) e.content() : (ByteBuf) message;
            return ByteBufUtil.getBytes(content);
        } finally {
            ReferenceCountUtil.release(message);
        }
    }
}
