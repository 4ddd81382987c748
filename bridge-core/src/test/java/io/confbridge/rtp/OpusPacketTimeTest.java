package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.confbridge.codec.OpusDecoder;
import io.confbridge.codec.OpusEncoder;
import io.confbridge.codec.OpusPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 11 §1: Opus is sent in the caller's ptime. The bridge's Opus frames are 20 ms, so a caller that
 * asked for 40 or 60 ms gets two or three of them joined in one packet (RFC 6716 §3.2.5, code 3), which
 * libopus decodes to exactly what the frames sent one by one decode to; other packet times get the
 * nearest whole number of frames.
 */
class OpusPacketTimeTest {
    private static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 40000);
    private static final int PT = 111;

    private final RtpSession session = new RtpSession(Codec.OPUS, PT, 101, CALLER, true, false);
    private final EmbeddedChannel channel = new EmbeddedChannel(session.handler());
    private final OpusEncoder encoder = new OpusEncoder();
    private long sample;

    private record Sent(int sequence, long timestamp, byte[] payload) {
    }

    @AfterEach
    void close() {
        encoder.close();
        session.close();
        assertFalse(channel.finishAndReleaseAll(), "nothing left unread");
    }

    private void start(int packetTimeMs) {
        session.packetTime(packetTimeMs);
        session.attach(channel, null, null);
        session.confirm();
    }

    /** The next 20 ms of a voiced sweep, Opus-encoded as the mixer's encoders do. */
    private byte[] nextFrame() {
        short[] pcm = new short[OpusEncoder.FRAME];
        for (int i = 0; i < pcm.length; i++, sample++) {
            double t = sample / 16000.0;
            pcm[i] = (short) (6000 * Math.sin(2 * Math.PI * (300 + 200 * Math.sin(t)) * t)
                    + 2000 * Math.sin(2 * Math.PI * 2500 * t));
        }
        byte[] out = new byte[Codec.FRAME_SAMPLES];
        return Arrays.copyOf(out, encoder.encode(pcm, 0, out, 0, out.length));
    }

    private List<Sent> sent() {
        List<Sent> packets = new ArrayList<>();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            byte[] payload = new byte[buf.readableBytes() - RtpHeader.FIXED_HEADER_LENGTH];
            buf.getBytes(RtpHeader.FIXED_HEADER_LENGTH, payload);
            assertEquals(PT, RtpHeader.payloadType(buf, 0));
            packets.add(new Sent(RtpHeader.sequenceNumber(buf, 0), RtpHeader.timestamp(buf, 0), payload));
            buf.release();
        }
        return packets;
    }

    @ParameterizedTest(name = "ptime {0} sends {1} frames a packet")
    @CsvSource({"10, 1", "20, 1", "30, 1", "40, 2", "50, 2", "60, 3"})
    void framesAreJoinedIntoThePacketTimeAsked(int ptime, int framesPerPacket) {
        start(ptime);
        List<byte[]> frames = new ArrayList<>();
        for (int tick = 0; tick < 12; tick++) {
            byte[] frame = nextFrame();
            frames.add(frame);
            session.sendFrame(frame, 0, frame.length);
        }
        List<Sent> packets = sent();
        assertEquals(12 / framesPerPacket, packets.size(), "12 frames of 20 ms");
        // One decoder hears the frames one by one, another the packets: the same audio, sample for sample.
        try (OpusDecoder alone = new OpusDecoder(); OpusDecoder joined = new OpusDecoder()) {
            short[] expected = new short[12 * OpusDecoder.FRAME];
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                assertEquals(OpusDecoder.FRAME, alone.decode(f, 0, f.length, expected, i * OpusDecoder.FRAME));
            }
            short[] heard = new short[12 * OpusDecoder.FRAME];
            int at = 0;
            for (int i = 0; i < packets.size(); i++) {
                Sent p = packets.get(i);
                assertEquals(framesPerPacket * 960, OpusPacket.validate(p.payload(), 0, p.payload().length),
                        "packet " + i + " is a well-formed Opus packet of " + framesPerPacket * 20 + " ms");
                if (i > 0) {
                    Sent before = packets.get(i - 1);
                    assertEquals((before.sequence() + 1) & 0xffff, p.sequence());
                    assertEquals((before.timestamp() + framesPerPacket * 960L) & 0xffffffffL, p.timestamp(),
                            "the 48 kHz clock moves by the packet's duration");
                }
                at += joined.decode(p.payload(), 0, p.payload().length, heard, at);
            }
            assertEquals(heard.length, at);
            assertArrayEquals(expected, heard);
        }
    }

    /** Frames whose TOC differs (a change of Opus mode) cannot share a packet: what was collected goes first. */
    @Test
    void aFrameOfAnotherModeSendsWhatWasCollectedFirst() {
        start(60);
        byte[] first = nextFrame();
        byte[] other = first.clone();
        // Another 20 ms configuration: SILK mediumband (5) for SILK wideband (9), else wideband.
        other[0] = (byte) ((other[0] & 0x07) | (((other[0] >> 3) & 0x1F) == 9 ? 5 : 9) << 3);
        session.sendFrame(first, 0, first.length);
        session.sendFrame(other, 0, other.length);
        List<Sent> packets = sent();
        assertEquals(1, packets.size(), "the first frame alone, as soon as the other came");
        assertArrayEquals(first, packets.get(0).payload());
        session.sendFrame(other, 0, other.length); // the same mode as the one collected: joined
        session.packetTime(20); // a re-INVITE: what was collected goes out now
        List<Sent> rest = sent();
        assertEquals(1, rest.size());
        assertEquals(packets.get(0).timestamp() + 960, rest.get(0).timestamp());
        assertEquals(2 * 960, OpusPacket.validate(rest.get(0).payload(), 0, rest.get(0).payload().length));
    }

    /**
     * A frame lost before it reached the bridge (a forwarded talker's, length 0) is passed on as lost: no
     * packet, and a gap of one in the sequence numbers so the phone conceals it; with 40 ms packets, what
     * was collected goes out first, and the stream goes on at the right time.
     */
    @ParameterizedTest(name = "ptime {0}")
    @CsvSource({"20", "40"})
    void aLostFrameIsPassedOnAsAGapInTheSequence(int ptime) {
        start(ptime);
        byte[] a = nextFrame();
        byte[] b = nextFrame();
        byte[] c = nextFrame();
        session.sendFrame(a, 0, a.length);
        session.sendFrame(b, 0, 0);
        session.sendFrame(c, 0, c.length);
        session.sendFrame(c, 0, c.length);
        List<Sent> packets = sent();
        assertEquals(ptime == 20 ? 3 : 2, packets.size(), packets.toString());
        assertArrayEquals(a, packets.get(0).payload(), "the frame before the loss, alone");
        Sent after = packets.get(1);
        assertEquals((packets.get(0).sequence() + 2) & 0xffff, after.sequence(), "one sequence number left out");
        assertEquals((packets.get(0).timestamp() + 2 * 960L) & 0xffffffffL, after.timestamp(), "and 20 ms of clock");
    }
}
