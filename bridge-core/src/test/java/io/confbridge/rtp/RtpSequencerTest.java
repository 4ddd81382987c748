package io.confbridge.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RtpSequencerTest {

    private final ByteBuf buf = Unpooled.buffer(64);

    @AfterEach
    void release() {
        buf.release();
    }

    private void send(RtpSequencer sequencer) {
        assertEquals(12, sequencer.writeNextHeader(buf, 4, 0));
    }

    @Test
    void firstPacketCarriesMarkerAndTheStartingValues() {
        RtpSequencer sequencer = new RtpSequencer(1000, 5000, 0xABCDEF01L);
        send(sequencer);
        assertTrue(RtpHeader.marker(buf, 4));
        assertEquals(1000, RtpHeader.sequenceNumber(buf, 4));
        assertEquals(5000, RtpHeader.timestamp(buf, 4));
        assertEquals(0xABCDEF01L, RtpHeader.ssrc(buf, 4));
        assertEquals(0, RtpHeader.payloadType(buf, 4));

        send(sequencer);
        assertFalse(RtpHeader.marker(buf, 4));
        assertEquals(1001, RtpHeader.sequenceNumber(buf, 4));
        assertEquals(5160, RtpHeader.timestamp(buf, 4));
        assertEquals(0xABCDEF01L, RtpHeader.ssrc(buf, 4));
    }

    @Test
    void sequenceNumberWrapsAt65536() {
        RtpSequencer sequencer = new RtpSequencer(65534, 0, 1);
        send(sequencer);
        assertEquals(65534, RtpHeader.sequenceNumber(buf, 4));
        send(sequencer);
        assertEquals(65535, RtpHeader.sequenceNumber(buf, 4));
        send(sequencer);
        assertEquals(0, RtpHeader.sequenceNumber(buf, 4));
        assertEquals(1, sequencer.nextSequenceNumber());
    }

    @Test
    void timestampWrapsAt2To32() {
        RtpSequencer sequencer = new RtpSequencer(0, 0xFFFF_FFFFL - 100, 1);
        send(sequencer);
        assertEquals(0xFFFF_FFFFL - 100, RtpHeader.timestamp(buf, 4));
        send(sequencer);
        assertEquals(59, RtpHeader.timestamp(buf, 4)); // 2^32 - 101 + 160 - 2^32
        sequencer.skipFrames(1 << 26); // 2^26 frames * 160 > 2^32
        assertEquals((59 + 160 + (160L << 26)) & 0xFFFF_FFFFL, sequencer.nextTimestamp());
    }

    @Test
    void skippedFramesAdvanceTimestampNotSequenceAndMarkTheNextPacket() {
        RtpSequencer sequencer = new RtpSequencer(10, 0, 1);
        send(sequencer);
        send(sequencer);
        sequencer.skipFrames(50); // one second on hold
        send(sequencer);
        assertTrue(RtpHeader.marker(buf, 4));
        assertEquals(12, RtpHeader.sequenceNumber(buf, 4));
        assertEquals(160 * 52, RtpHeader.timestamp(buf, 4));
        send(sequencer);
        assertFalse(RtpHeader.marker(buf, 4));

        sequencer.skipFrames(0);
        assertFalse(sequencer.nextMarker(), "skipping nothing is no silence");
        assertThrows(IllegalArgumentException.class, () -> sequencer.skipFrames(-1));
    }

    @Test
    void markTalkspurtSetsMarkerOnNextPacketOnly() {
        RtpSequencer sequencer = new RtpSequencer(0, 0, 1);
        send(sequencer);
        sequencer.markTalkspurt();
        send(sequencer);
        assertTrue(RtpHeader.marker(buf, 4));
        send(sequencer);
        assertFalse(RtpHeader.marker(buf, 4));
    }

    @Test
    void randomStreamsDiffer() {
        RtpSequencer a = new RtpSequencer();
        RtpSequencer b = new RtpSequencer();
        // 2^-80 chance of a false failure: three independent random fields all equal
        assertFalse(a.ssrc() == b.ssrc() && a.nextTimestamp() == b.nextTimestamp()
                && a.nextSequenceNumber() == b.nextSequenceNumber());
        assertTrue(a.ssrc() >= 0 && a.ssrc() <= 0xFFFF_FFFFL);
        assertNotEquals(-1, a.nextSequenceNumber());
        assertTrue(a.nextMarker());
    }
}
