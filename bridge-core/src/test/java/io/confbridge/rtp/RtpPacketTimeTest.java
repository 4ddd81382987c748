package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 §4: the bridge sends in the packet time the caller asked for. 20 ms frames go out as packets
 * of 10–60 ms whose payloads, laid end to end, are the frames in order, with the timestamp advancing by
 * the samples of each packet and the marker bit where a stream starts.
 */
class RtpPacketTimeTest {
    private static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 40000);

    private final RtpSession session = new RtpSession(Codec.PCMU, 0, 101, CALLER, true, false);
    private final EmbeddedChannel channel = new EmbeddedChannel(session.handler());
    private int nextSample;

    private record Sent(int sequence, long timestamp, boolean marker, byte[] payload) {
    }

    /** The next 20 ms frame of a ramp: each byte its sample's number, so order and gaps show. */
    private byte[] nextFrame() {
        byte[] frame = new byte[Codec.FRAME_SAMPLES];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) nextSample++;
        }
        return frame;
    }

    private List<Sent> sent() {
        List<Sent> packets = new ArrayList<>();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            byte[] payload = new byte[buf.readableBytes() - RtpHeader.FIXED_HEADER_LENGTH];
            buf.getBytes(RtpHeader.FIXED_HEADER_LENGTH, payload);
            packets.add(new Sent(RtpHeader.sequenceNumber(buf, 0), RtpHeader.timestamp(buf, 0),
                    RtpHeader.marker(buf, 0), payload));
            buf.release();
        }
        return packets;
    }

    private void start(int packetTimeMs) {
        session.packetTime(packetTimeMs);
        session.attach(channel, null, null);
        session.confirm();
    }

    @AfterEach
    void close() {
        session.close();
        assertFalse(channel.finishAndReleaseAll(), "nothing left unread");
    }

    /** Every packet of {@code bytes}, sequence +1 and timestamp +bytes each, the payloads the ramp in order. */
    private static void assertContinuous(List<Sent> packets, int bytes, int firstSample) {
        int sample = firstSample;
        for (int i = 0; i < packets.size(); i++) {
            Sent p = packets.get(i);
            assertEquals(bytes, p.payload().length, "packet " + i);
            if (i > 0) {
                Sent before = packets.get(i - 1);
                assertEquals((before.sequence() + 1) & 0xffff, p.sequence(), "packet " + i);
                assertEquals((before.timestamp() + bytes) & 0xffffffffL, p.timestamp(), "packet " + i);
            }
            for (byte b : p.payload()) {
                assertEquals((byte) sample++, b, "packet " + i);
            }
        }
    }

    @Test
    void fortyMsPacketsGoOutEverySecondTickWithTwoFrames() {
        start(40);
        session.sendFrame(nextFrame(), 0);
        assertNull(channel.readOutbound(), "one frame is half a 40 ms packet");
        session.sendFrame(nextFrame(), 0);
        List<Sent> first = sent();
        assertEquals(1, first.size());
        assertTrue(first.get(0).marker(), "the stream's first packet is marked");
        for (int tick = 0; tick < 8; tick++) {
            session.sendFrame(nextFrame(), 0);
        }
        List<Sent> packets = new ArrayList<>(first);
        packets.addAll(sent());
        assertEquals(5, packets.size(), "10 ticks, 5 packets");
        assertContinuous(packets, 320, 0);
        assertFalse(packets.get(1).marker());
        assertEquals(5, session.packetsSent());
    }

    @Test
    void thirtyMsPacketsAlternateOneAndTwoTicks() {
        start(30);
        List<Integer> perTick = new ArrayList<>();
        List<Sent> packets = new ArrayList<>();
        for (int tick = 0; tick < 6; tick++) {
            session.sendFrame(nextFrame(), 0);
            List<Sent> now = sent();
            perTick.add(now.size());
            packets.addAll(now);
        }
        assertEquals(List.of(0, 1, 1, 0, 1, 1), perTick, "120 ms of frames: four 30 ms packets");
        assertContinuous(packets, 240, 0);
    }

    @Test
    void tenMsPacketsGoOutTwoATick() {
        start(10);
        for (int tick = 0; tick < 3; tick++) {
            session.sendFrame(nextFrame(), 0);
        }
        List<Sent> packets = sent();
        assertEquals(6, packets.size());
        assertContinuous(packets, 80, 0);
    }

    @Test
    void twentyMsIsOneFrameAPacketAsBefore() {
        start(20);
        session.sendFrame(nextFrame(), 0);
        session.sendFrame(nextFrame(), 0);
        List<Sent> packets = sent();
        assertEquals(2, packets.size());
        assertContinuous(packets, 160, 0);
    }

    @Test
    void aChangeOfPacketTimeSendsWhatWasCollectedAndLosesNothing() {
        start(60);
        session.sendFrame(nextFrame(), 0);
        session.sendFrame(nextFrame(), 0);
        assertNull(channel.readOutbound());
        session.packetTime(20); // a re-INVITE: the 40 ms collected go out now, then 20 ms packets
        List<Sent> flushed = sent();
        assertEquals(1, flushed.size());
        assertEquals(320, flushed.get(0).payload().length);
        session.sendFrame(nextFrame(), 0);
        List<Sent> after = sent();
        assertEquals(1, after.size());
        assertEquals(160, after.get(0).payload().length);
        assertEquals(flushed.get(0).timestamp() + 320, after.get(0).timestamp());
        byte[] expected = new byte[160];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (320 + i);
        }
        assertArrayEquals(expected, after.get(0).payload());
    }

    @Test
    void onHoldTheCollectedSamplesAreSkippedAndTheNextPacketIsMarked() {
        start(40);
        session.sendFrame(nextFrame(), 0); // half a packet collected
        session.update(CALLER, false);     // on hold
        session.sendFrame(nextFrame(), 0);
        assertNull(channel.readOutbound(), "nothing on hold");
        session.update(CALLER, true);
        session.sendFrame(nextFrame(), 0);
        session.sendFrame(nextFrame(), 0);
        List<Sent> packets = sent();
        assertEquals(1, packets.size());
        assertTrue(packets.get(0).marker(), "a new talkspurt after the hold");
        assertEquals(320, packets.get(0).payload().length);
        assertEquals((byte) 320, packets.get(0).payload()[0], "the frames after the hold, not those before");
    }

    @Test
    void packetTimesOutsideTenToSixtyInStepsOfTenAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> session.packetTime(25));
        assertThrows(IllegalArgumentException.class, () -> session.packetTime(0));
        assertThrows(IllegalArgumentException.class, () -> session.packetTime(80));
        session.attach(channel, null, null);
    }
}
