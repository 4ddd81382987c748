package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A connected session reuses its packet buffer from send to send, but never one that a write still holds:
 * a queued packet (a full socket buffer) goes out as it was written.
 */
class RtpPacketReuseTest {
    private static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 40000);

    private final RtpSession session = new RtpSession(Codec.PCMU, 0, 101, CALLER, true, false);
    private final EmbeddedChannel channel = new EmbeddedChannel(session.handler());

    private static byte[] frame(int value) {
        byte[] frame = new byte[Codec.FRAME_SAMPLES];
        Arrays.fill(frame, (byte) value);
        return frame;
    }

    @Test
    void aPacketStillQueuedIsNeverOverwrittenAndASentOneIsReused() {
        session.attach(channel, null, null); // latching off: connected to the SDP address
        session.confirm();

        session.sendFrame(frame(0x11), 0);
        session.sendFrame(frame(0x22), 0); // the first is still in the outbound queue
        ByteBuf first = channel.readOutbound();
        ByteBuf second = channel.readOutbound();
        assertNotSame(first, second);
        assertEquals(0x11, first.getUnsignedByte(RtpHeader.FIXED_HEADER_LENGTH + 5));
        assertEquals(0x22, second.getUnsignedByte(RtpHeader.FIXED_HEADER_LENGTH + 5));
        assertEquals((RtpHeader.sequenceNumber(first, 0) + 1) & 0xffff, RtpHeader.sequenceNumber(second, 0));
        first.release();
        second.release(); // as the channel does once a packet is written

        session.sendFrame(frame(0x33), 0);
        ByteBuf third = channel.readOutbound();
        assertSame(second, third, "the buffer of a packet already sent carries the next one");
        assertEquals(0x33, third.getUnsignedByte(RtpHeader.FIXED_HEADER_LENGTH + 5));
        assertEquals(RtpHeader.FIXED_HEADER_LENGTH + Codec.FRAME_SAMPLES, third.readableBytes());
        third.release();

        session.close();
        assertEquals(0, third.refCnt(), "closing gives the buffer back");
        channel.finishAndReleaseAll();
    }
}
