package io.confbridge.mixer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.confbridge.codec.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JitterBufferTest {

    private static final int FRAME = Codec.FRAME_SAMPLES;
    private static final int OFFSET = 12; // payload behind an RTP header, as on the wire

    private final ByteBuf packet = Unpooled.buffer(OFFSET + FRAME);
    private final short[] out = new short[FRAME];

    @AfterEach
    void release() {
        packet.release();
    }

    /**
     * A-law payload identifying frame {@code id}: bytes 0–2 carry the id, the rest a pattern of it.
     * A-law decoding is one-to-one and never yields 0, so frames and silence are told apart.
     */
    private static void writeFrame(ByteBuf buf, int offset, int id) {
        buf.setByte(offset, id);
        buf.setByte(offset + 1, id >> 8);
        buf.setByte(offset + 2, id >> 16);
        for (int i = 3; i < FRAME; i++) {
            buf.setByte(offset + i, id * 13 + i);
        }
    }

    /** The frame id the samples were decoded from, or -1 for silence; fails on a torn frame. */
    private static int frameId(short[] samples) {
        if (samples[0] == 0) {
            for (short s : samples) {
                assertEquals(0, s, "torn silence");
            }
            return -1;
        }
        int id = (Codec.PCMA.encode(samples[0]) & 0xFF)
                | (Codec.PCMA.encode(samples[1]) & 0xFF) << 8
                | (Codec.PCMA.encode(samples[2]) & 0xFF) << 16;
        for (int i = 3; i < FRAME; i++) {
            assertEquals((byte) (id * 13 + i), Codec.PCMA.encode(samples[i]), "frame " + id + " torn at " + i);
        }
        return id;
    }

    private void put(JitterBuffer buffer, int seq, int id) {
        writeFrame(packet, OFFSET, id);
        buffer.put(seq, packet, OFFSET, FRAME, Codec.PCMA);
    }

    /** Takes one frame: its id, -1 for silence, or null when take returned false. */
    private Integer take(JitterBuffer buffer) {
        return buffer.take(out) ? frameId(out) : null;
    }

    @Test
    void playsInOrderOncePrimedThenRunsDry() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        assertNull(take(buffer), "empty");
        put(buffer, 100, 100);
        assertNull(take(buffer), "one frame is not yet the playout delay");
        put(buffer, 101, 101);
        put(buffer, 102, 102);
        assertEquals(100, take(buffer));
        assertEquals(101, take(buffer));
        assertEquals(102, take(buffer));
        assertNull(take(buffer), "ran dry");
        put(buffer, 103, 103);
        assertNull(take(buffer), "re-priming");
        put(buffer, 104, 104);
        assertEquals(103, take(buffer));
        assertEquals(104, take(buffer));
        assertEquals(0, buffer.lostFrames());
    }

    @Test
    void reordersWithinTheWindow() {
        JitterBuffer buffer = new JitterBuffer(8, 3);
        put(buffer, 10, 10);
        put(buffer, 12, 12);
        put(buffer, 11, 11);
        put(buffer, 14, 14);
        put(buffer, 13, 13);
        for (int id = 10; id <= 14; id++) {
            assertEquals(id, take(buffer));
        }
    }

    @Test
    void reorderedFirstPacketIsStillPlayedFirst() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        put(buffer, 11, 11);
        put(buffer, 10, 10);
        assertEquals(10, take(buffer));
        assertEquals(11, take(buffer));
    }

    @Test
    void dropsDuplicatesKeepingTheFirstCopy() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        put(buffer, 7, 7);
        put(buffer, 7, 999);
        put(buffer, 8, 8);
        put(buffer, 8, 998);
        assertEquals(7, take(buffer));
        assertEquals(8, take(buffer));
        assertEquals(2, buffer.droppedPackets());
    }

    @Test
    void playsSilenceForALostFrameAndMovesOn() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        put(buffer, 20, 20);
        put(buffer, 21, 21);
        put(buffer, 23, 23);
        put(buffer, 24, 24);
        assertEquals(20, take(buffer));
        assertEquals(21, take(buffer));
        assertEquals(-1, take(buffer));
        assertEquals(23, take(buffer));
        assertEquals(24, take(buffer));
        assertEquals(1, buffer.lostFrames());
    }

    @Test
    void dropsPacketsOlderThanThePlayPosition() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        put(buffer, 30, 30);
        put(buffer, 31, 31);
        put(buffer, 33, 33);
        assertEquals(30, take(buffer));
        assertEquals(31, take(buffer));
        assertEquals(-1, take(buffer)); // 32 lost
        put(buffer, 32, 32); // arrives after its turn
        put(buffer, 30, 30); // retransmitted long after
        assertEquals(2, buffer.droppedPackets());
        assertEquals(33, take(buffer));
        assertNull(take(buffer));
    }

    @Test
    void sequenceNumberWrapIsSeamless() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        int[] seqs = {65533, 65534, 65535, 0, 1, 2};
        for (int i = 0; i < seqs.length; i++) {
            put(buffer, seqs[i], 500 + i);
        }
        for (int i = 0; i < seqs.length; i++) {
            assertEquals(500 + i, take(buffer));
        }
    }

    @Test
    void forwardJumpBeyondTheCapacityRestartsAtTheNewSequence() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        put(buffer, 40, 40);
        put(buffer, 41, 41);
        assertEquals(40, take(buffer));
        put(buffer, 5000, 5000);
        assertNull(take(buffer), "re-priming on the new sequence");
        put(buffer, 5001, 5001);
        assertEquals(5000, take(buffer));
        assertEquals(5001, take(buffer));
        assertEquals(0, buffer.lostFrames());
    }

    @Test
    void stalledConsumerSkipsToThePlayoutDelayBehindTheNewest() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        put(buffer, 0, 1000);
        put(buffer, 1, 1001);
        assertEquals(1000, take(buffer));
        for (int seq = 2; seq < 20; seq++) {
            put(buffer, seq, 1000 + seq);
        }
        assertEquals(1018, take(buffer));
        assertEquals(1019, take(buffer));
        assertNull(take(buffer));
    }

    @Test
    void restartedSenderFarBehindIsAcceptedOnTheSecondPacket() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        put(buffer, 30000, 1);
        put(buffer, 30001, 2);
        assertEquals(1, take(buffer));
        assertEquals(2, take(buffer));
        put(buffer, 100, 3); // on probation (RFC 3550 A.1): dropped
        put(buffer, 101, 4);
        put(buffer, 102, 5);
        assertEquals(4, take(buffer));
        assertEquals(5, take(buffer));
        assertEquals(1, buffer.droppedPackets());
    }

    @Test
    void tenMillisecondPacketsFillAFrameTwoByTwo() {
        JitterBuffer buffer = new JitterBuffer(8, 1);
        writeFrame(packet, OFFSET, 77);
        buffer.put(9, packet, OFFSET, 80, Codec.PCMA);
        assertFalse(buffer.take(out), "half a frame is not playable");
        writeFrame(packet, OFFSET, 78);
        buffer.put(10, packet, OFFSET, 80, Codec.PCMA);
        assertTrue(buffer.take(out));
        for (int i = 0; i < 80; i++) {
            assertEquals(Codec.PCMA.decode((byte) (i < 3 ? 78 >> (8 * i) : 78 * 13 + i)), out[80 + i], "second half");
        }
        assertEquals(Codec.PCMA.decode((byte) 77), out[0], "first half from the first packet");
        assertFalse(buffer.lastTakeLost());
    }

    /** Samples 0, 1, 2, … of the stream as A-law bytes, so every sample tells where it came from. */
    private static void writeRamp(ByteBuf buf, int offset, int firstSample, int samples) {
        for (int i = 0; i < samples; i++) {
            buf.setByte(offset + i, sampleByte(firstSample + i));
        }
    }

    private static byte sampleByte(int sample) {
        return (byte) (sample * 7 + 3);
    }

    private void assertFrameIsStreamSamples(int frame) {
        for (int i = 0; i < FRAME; i++) {
            assertEquals(Codec.PCMA.decode(sampleByte(frame * FRAME + i)), out[i], "frame " + frame + " sample " + i);
        }
    }

    @Test
    void packetsOf30And40And60MsAreCutIntoWholeFrames() {
        for (int ptimeMs : new int[] {30, 40, 60}) {
            int perPacket = ptimeMs * 8;
            JitterBuffer buffer = new JitterBuffer(16, 2);
            ByteBuf big = Unpooled.buffer(OFFSET + perPacket);
            try {
                int frames = 0;
                int packets = 240 / ptimeMs; // 240 ms: 12 frames, within the ring
                for (int k = 0; k < packets; k++) {
                    writeRamp(big, OFFSET, k * perPacket, perPacket);
                    buffer.put(500 + k, big, OFFSET, perPacket, Codec.PCMA);
                }
                while (buffer.take(out)) {
                    assertFalse(buffer.lastTakeLost(), ptimeMs + " ms, frame " + frames);
                    assertFrameIsStreamSamples(frames);
                    frames++;
                }
                assertEquals(12, frames, ptimeMs + " ms packets: every sample played, in order");
            } finally {
                big.release();
            }
        }
    }

    @Test
    void aLost30MsPacketLosesTheFramesItHadAPartIn() {
        JitterBuffer buffer = new JitterBuffer(16, 2);
        ByteBuf big = Unpooled.buffer(OFFSET + 240);
        try {
            for (int k = 0; k < 4; k++) {
                if (k == 1) {
                    continue; // samples 240–479: the second half of frame 1 and all of frame 2
                }
                writeRamp(big, OFFSET, k * 240, 240);
                buffer.put(k, big, OFFSET, 240, Codec.PCMA);
            }
        } finally {
            big.release();
        }
        boolean[] lost = new boolean[6];
        for (int f = 0; f < 6; f++) {
            assertTrue(buffer.take(out), "frame " + f);
            lost[f] = buffer.lastTakeLost();
        }
        assertArrayEquals(new boolean[] {false, true, true, false, false, false}, lost);
    }

    @Test
    void rejectsBadGeometry() {
        assertThrows(IllegalArgumentException.class, () -> new JitterBuffer(6, 2));
        assertThrows(IllegalArgumentException.class, () -> new JitterBuffer(8, 0));
        assertThrows(IllegalArgumentException.class, () -> new JitterBuffer(8, 9));
    }

    /**
     * The producer waits while the ring is nearly full, so nothing is overrun: the consumer must
     * get every frame exactly once, in order, intact.
     */
    @Test
    void twoThreadsWithBackPressureDeliverEveryFrameInOrder() throws Exception {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        int frames = 20_000;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // Frames the consumer has played: the producer stays at most 6 ahead of it.
        AtomicInteger played = new AtomicInteger();
        Thread producer = new Thread(() -> {
            ByteBuf buf = Unpooled.buffer(FRAME);
            try {
                for (int id = 0; id < frames && System.nanoTime() < deadline; id++) {
                    while (id - played.get() >= 6 && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    writeFrame(buf, 0, id);
                    buffer.put((60_000 + id) & 0xFFFF, buf, 0, FRAME, Codec.PCMA);
                }
            } finally {
                buf.release();
            }
        }, "jitter-producer");
        int[] received = new int[1];
        Thread consumer = new Thread(() -> {
            short[] frame = new short[FRAME];
            try {
                while (received[0] < frames && System.nanoTime() < deadline) {
                    if (buffer.take(frame)) {
                        assertEquals(received[0], frameId(frame));
                        received[0]++;
                        played.incrementAndGet();
                    } else {
                        Thread.onSpinWait();
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "jitter-consumer");
        consumer.start();
        producer.start();
        producer.join(TimeUnit.SECONDS.toMillis(40));
        consumer.join(TimeUnit.SECONDS.toMillis(40));
        assertFalse(producer.isAlive() || consumer.isAlive(), "threads finished");
        assertNull(failure.get());
        assertEquals(frames, received[0]);
        assertEquals(0, buffer.lostFrames());
    }

    /**
     * The producer runs flat out and overruns the consumer again and again, so slots are rewritten
     * while being read: every frame taken must still be one frame the producer wrote, whole, and
     * the frames must come in increasing order.
     */
    @Test
    void twoThreadsOverrunningNeverYieldATornFrame() throws Exception {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        int frames = 200_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean producerDone = new AtomicBoolean();
        CountDownLatch consumerRunning = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            ByteBuf buf = Unpooled.buffer(FRAME);
            try {
                consumerRunning.await();
                for (int id = 0; id < frames; id++) {
                    writeFrame(buf, 0, id);
                    buffer.put(id & 0xFFFF, buf, 0, FRAME, Codec.PCMA);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                producerDone.set(true);
                buf.release();
            }
        }, "jitter-producer");
        int[] taken = new int[2]; // frames, silent frames
        Thread consumer = new Thread(() -> {
            short[] frame = new short[FRAME];
            int last = -1;
            try {
                consumerRunning.countDown();
                for (int i = 0; i < 100_000_000 && !producerDone.get(); i++) {
                    if (buffer.take(frame)) {
                        int id = frameId(frame);
                        if (id < 0) {
                            taken[1]++;
                        } else {
                            assertTrue(id > last, id + " after " + last);
                            last = id;
                            taken[0]++;
                        }
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "jitter-consumer");
        consumer.start();
        producer.start();
        producer.join(TimeUnit.SECONDS.toMillis(60));
        consumer.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(producer.isAlive() || consumer.isAlive(), "threads finished");
        assertNull(failure.get());
        assertTrue(taken[0] > 0, "consumer took frames while the producer ran");
    }

    /**
     * Opus (RFC 7587): whole 20 ms packets of any length are kept as received and played in order, the next
     * one can be read ahead for its FEC, and packets of a duration not taken or malformed ones are refused.
     */
    @Test
    void opusPacketsAreKeptWholeAndPlayedInOrder() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        ByteBuf opus = Unpooled.buffer(1500);
        try {
            // TOC 0x78: config 15 (hybrid fullband 20 ms), code 0 (one frame); then a length of our choosing.
            byte[] first = opusPacket((byte) 0x78, 57, 1);
            byte[] second = opusPacket((byte) 0x78, 300, 2);
            byte[] thirtyMs = {(byte) 0x03, 3, 1, 1, 1}; // config 0 (SILK narrowband 10 ms), code 3, 3 frames
            byte[] code3WithoutCount = {(byte) 0x7B};
            byte[] tooLong = opusPacket((byte) 0x78, JitterBuffer.OPUS_SLOT_BYTES + 1, 4);
            for (byte[] p : new byte[][] {thirtyMs, code3WithoutCount, new byte[0], tooLong}) {
                opus.clear().writeBytes(p);
                buffer.put(7, opus, 0, p.length, Codec.OPUS);
            }
            assertEquals(4, buffer.opusRefused(), "30 ms, no frame count, empty, longer than a slot");
            opus.clear().writeBytes(first);
            buffer.put(10, opus, 0, first.length, Codec.OPUS);
            opus.clear().writeBytes(second);
            buffer.put(11, opus, 0, second.length, Codec.OPUS);

            byte[] taken = new byte[JitterBuffer.OPUS_SLOT_BYTES];
            assertTrue(buffer.take(out, taken));
            assertEquals(first.length, buffer.lastTakeOpusLength());
            assertEquals(1, buffer.lastTakeOpusParts());
            assertArrayEquals(first, java.util.Arrays.copyOf(taken, first.length));
            byte[] ahead = new byte[JitterBuffer.OPUS_SLOT_BYTES];
            assertEquals(second.length, buffer.peekNextOpus(ahead), "the next packet, read ahead for its FEC");
            assertArrayEquals(second, java.util.Arrays.copyOf(ahead, second.length));
            assertTrue(buffer.take(out, taken));
            assertEquals(second.length, buffer.lastTakeOpusLength(), "and still played in its turn");
            assertArrayEquals(second, java.util.Arrays.copyOf(taken, second.length));
            assertEquals(-1, buffer.peekNextOpus(ahead), "nothing after it yet");
        } finally {
            opus.release();
        }
    }

    /**
     * A caller's ptime 40 or 60 (issue 11 §1: the caller's ptime honoured): each packet is played over the
     * two or three ticks it covers, every one of them told which part of the packet it is, and a lost one
     * leaves exactly its frames missing.
     */
    @Test
    void opusPacketsOfFortyAndSixtyMillisecondsArePlayedOverTheTicksTheyCover() {
        for (int ms : new int[] {40, 60}) {
            int parts = ms / 20;
            JitterBuffer buffer = new JitterBuffer(16, 4);
            ByteBuf opus = Unpooled.buffer(1500);
            try {
                // Config 2 (SILK narrowband 40 ms) or 3 (60 ms), code 0: one long frame.
                byte toc = (byte) ((ms == 40 ? 2 : 3) << 3);
                for (int seq = 100; seq < 104; seq++) {
                    if (seq == 102) {
                        continue; // lost on the way
                    }
                    byte[] p = opusPacket(toc, 40 + seq, seq);
                    opus.clear().writeBytes(p);
                    buffer.put(seq, opus, 0, p.length, Codec.OPUS);
                }
                assertEquals(0, buffer.opusRefused(), ms + " ms is taken");
                byte[] taken = new byte[JitterBuffer.OPUS_SLOT_BYTES];
                long firstFrame = -1;
                for (int packet = 0; packet < 4; packet++) {
                    for (int part = 0; part < parts; part++) {
                        assertTrue(buffer.take(out, taken), ms + " ms, packet " + packet + " part " + part);
                        if (firstFrame < 0) {
                            firstFrame = buffer.lastTakeFrame();
                        }
                        assertEquals(firstFrame + packet * parts + part, buffer.lastTakeFrame());
                        if (packet == 2) {
                            assertTrue(buffer.lastTakeLost(), "the lost packet's frames are lost");
                            continue;
                        }
                        assertFalse(buffer.lastTakeLost());
                        assertEquals(40 + 100 + packet, buffer.lastTakeOpusLength());
                        assertEquals(parts, buffer.lastTakeOpusParts());
                        assertEquals(part, buffer.lastTakeOpusPart());
                        assertEquals((byte) (100 + packet), taken[1], "the packet itself");
                        if (part < parts - 1) {
                            assertEquals(-1, buffer.peekNextOpus(new byte[JitterBuffer.OPUS_SLOT_BYTES]),
                                    "no FEC is read from a packet longer than 20 ms");
                        }
                    }
                }
            } finally {
                opus.release();
            }
        }
    }

    /** A caller's ptime 10: two packets make a frame, played once both are in; one missing loses the frame. */
    @Test
    void tenMillisecondOpusPacketsArePlayedTwoATick() {
        JitterBuffer buffer = new JitterBuffer(8, 2);
        ByteBuf opus = Unpooled.buffer(1500);
        try {
            byte toc = (byte) (0 << 3); // config 0: SILK narrowband 10 ms, code 0
            for (int seq = 0; seq < 6; seq++) {
                if (seq == 3) {
                    continue; // the second half of the second frame is lost
                }
                byte[] p = opusPacket(toc, 20 + seq, seq + 1);
                opus.clear().writeBytes(p);
                buffer.put(seq, opus, 0, p.length, Codec.OPUS);
            }
            byte[] huge = opusPacket(toc, JitterBuffer.OPUS_SLOT_BYTES / 2 + 1, 9);
            opus.clear().writeBytes(huge);
            buffer.put(6, opus, 0, huge.length, Codec.OPUS);
            assertEquals(1, buffer.opusRefused(), "a 10 ms packet over half a slot");
            byte[] taken = new byte[JitterBuffer.OPUS_SLOT_BYTES];
            assertTrue(buffer.take(out, taken));
            assertFalse(buffer.lastTakeLost());
            assertEquals(0, buffer.lastTakeOpusParts(), "two 10 ms packets");
            assertEquals(20, buffer.lastTakeOpusLength());
            assertEquals(21, buffer.lastTakeOpusSecondLength());
            assertEquals(1, taken[1]);
            assertEquals(2, taken[JitterBuffer.OPUS_SLOT_BYTES / 2 + 1], "the second where the second half goes");
            assertTrue(buffer.take(out, taken));
            assertTrue(buffer.lastTakeLost(), "half a frame is a lost frame");
            assertTrue(buffer.take(out, taken));
            assertFalse(buffer.lastTakeLost());
            assertEquals(24, buffer.lastTakeOpusLength());
            assertEquals(25, buffer.lastTakeOpusSecondLength());
        } finally {
            opus.release();
        }
    }

    private static byte[] opusPacket(byte toc, int length, int fill) {
        byte[] p = new byte[length];
        java.util.Arrays.fill(p, (byte) fill);
        p[0] = toc;
        return p;
    }
}
