package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The RTP session's receive handler in an EmbeddedChannel: what it drops, what it counts, what it frees. */
class RtpSessionHandlerTest {
    private static final int PCMU = 0;
    private static final int TELEPHONE_EVENT = 101;
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.1", 50002);

    private final List<String> delivered = new ArrayList<>();
    private final RtpSession session = new RtpSession(Codec.PCMU, PCMU, TELEPHONE_EVENT, CALLER, true, false);
    private EmbeddedChannel channel;

    @BeforeEach
    void attach() {
        channel = new EmbeddedChannel(session.handler());
        session.attach(channel, null, new RtpSession.Receiver() {
            @Override
            public void onTelephoneEvent(ByteBuf buf, int payloadOffset, int payloadLength, long rtpTimestamp,
                                         boolean marker) {
                delivered.add("event " + buf.getUnsignedByte(payloadOffset));
            }

            @Override
            public void onAudio(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength) {
                delivered.add("audio " + sequenceNumber + " " + payloadLength);
            }
        });
    }

    @AfterEach
    void nothingLeft() {
        assertNull(channel.readInbound(), "the handler passes nothing on");
        assertNull(channel.readOutbound(), "nothing was sent");
        assertFalse(channel.finish());
    }

    /** An RTP packet (RFC 3550 fixed header, no CSRC) with the payload bytes. */
    private static ByteBuf rtp(int payloadType, int sequenceNumber, int... payload) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80).writeByte(payloadType).writeShort(sequenceNumber).writeInt(160 * sequenceNumber)
                .writeInt(0x1a2b3c4d);
        for (int b : payload) {
            buf.writeByte(b);
        }
        return buf;
    }

    private void receive(ByteBuf content, InetSocketAddress from) {
        channel.writeInbound(new DatagramPacket(content, LOCAL, from));
    }

    @Test
    void audioFromTheCallerIsDeliveredAndReleased() {
        ByteBuf packet = rtp(PCMU, 7, 0xff, 0xff, 0xff, 0xff);
        receive(packet, CALLER);
        assertEquals(List.of("audio 7 4"), delivered);
        assertEquals(0, packet.refCnt());
        assertEquals(1, session.packetsReceived());
    }

    @Test
    void malformedPacketIsCountedDroppedAndReleased() {
        ByteBuf tooShort = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0, 0, 1, 0});
        ByteBuf wrongVersion = rtp(PCMU, 8, 0xff);
        wrongVersion.setByte(0, 0x40);
        receive(tooShort, CALLER);
        receive(wrongVersion, CALLER);
        assertEquals(List.of(), delivered);
        assertEquals(2, session.malformedDropped());
        assertEquals(0, session.packetsReceived());
        assertEquals(0, tooShort.refCnt());
        assertEquals(0, wrongVersion.refCnt());
    }

    @Test
    void packetFromAForeignSourceIsCountedDroppedAndReleased() {
        ByteBuf injectedKey = rtp(TELEPHONE_EVENT, 9, 5, 0x8a, 0, 160);
        receive(injectedKey, STRANGER);
        assertEquals(List.of(), delivered, "an injected packet can neither speak nor type digits");
        assertEquals(1, session.foreignDropped());
        assertEquals(0, injectedKey.refCnt());
    }

    @Test
    void packetOfAnUnnegotiatedPayloadTypeIsDroppedAndReleased() {
        ByteBuf comfortNoise = rtp(13, 10, 0x40);
        ByteBuf pcma = rtp(8, 11, 0xd5, 0xd5);
        receive(comfortNoise, CALLER);
        receive(pcma, CALLER);
        assertEquals(List.of(), delivered);
        assertEquals(0, comfortNoise.refCnt());
        assertEquals(0, pcma.refCnt());
    }

    @Test
    void telephoneEventFromTheCallerIsDeliveredAndReleased() {
        ByteBuf key = rtp(TELEPHONE_EVENT, 12, 5, 0x0a, 0, 160);
        receive(key, CALLER);
        assertEquals(List.of("event 5"), delivered);
        assertEquals(0, key.refCnt());
    }
}
