package io.confbridge.dtmf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.confbridge.rtp.RtpHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * Fed with whole RTP packets (PT 101, SSRC 0x1a2b3c4d) as they appear on the wire, parsed with
 * {@link RtpHeader} the way the receive path does.
 */
class Rfc4733ReceiverTest {

    private final Rfc4733Receiver receiver = new Rfc4733Receiver();
    private final StringBuilder keys = new StringBuilder();

    /** Feeds one packet given as hex; a non-zero offset checks nobody assumes the payload at 12. */
    private void feed(String hex) {
        byte[] packet = ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
        int offset = 3;
        ByteBuf buf = Unpooled.buffer(offset + packet.length);
        try {
            buf.writeZero(offset).writeBytes(packet);
            int header = RtpHeader.headerLength(buf, offset, packet.length);
            int payload = RtpHeader.payloadLength(buf, offset, packet.length);
            char key = receiver.onPacket(buf, offset + header, payload,
                    RtpHeader.timestamp(buf, offset), RtpHeader.marker(buf, offset));
            if (key != DtmfKey.NONE) {
                keys.append(key);
            }
        } finally {
            buf.release();
        }
    }

    /** Key 5 pressed for 80 ms at timestamp 0x12c00: 3 updates (first with M), then E sent 3 times. */
    private static final String[] PRESS_5 = {
        "80e5 0010 00012c00 1a2b3c4d 050a00a0",
        "8065 0011 00012c00 1a2b3c4d 050a0140",
        "8065 0012 00012c00 1a2b3c4d 050a01e0",
        "8065 0013 00012c00 1a2b3c4d 058a0280",
        "8065 0014 00012c00 1a2b3c4d 058a0280",
        "8065 0015 00012c00 1a2b3c4d 058a0280",
    };

    @Test
    void pressWithThreeUpdatesAndThreeEndPacketsCountsOnce() {
        for (String packet : PRESS_5) {
            feed(packet);
        }
        assertEquals("5", keys.toString());
    }

    @Test
    void reportsOnTheFirstPacketOfTheEvent() {
        feed(PRESS_5[0]);
        assertEquals("5", keys.toString());
    }

    @Test
    void sameKeyPressedTwiceCountsTwice() {
        feed("80e5 0100 00001000 1a2b3c4d 010a00a0");
        feed("8065 0101 00001000 1a2b3c4d 018a0140");
        feed("8065 0102 00001000 1a2b3c4d 018a0140");
        feed("8065 0103 00001000 1a2b3c4d 018a0140");
        feed("80e5 0104 00001c80 1a2b3c4d 010a00a0");
        feed("8065 0105 00001c80 1a2b3c4d 018a0140");
        feed("8065 0106 00001c80 1a2b3c4d 018a0140");
        feed("8065 0107 00001c80 1a2b3c4d 018a0140");
        assertEquals("11", keys.toString());
    }

    @Test
    void onlyEndPacketsArrivingStillCountOnce() {
        feed("8065 0200 00020000 1a2b3c4d 078a0320");
        feed("8065 0201 00020000 1a2b3c4d 078a0320");
        feed("8065 0202 00020000 1a2b3c4d 078a0320");
        assertEquals("7", keys.toString());
    }

    @Test
    void secondPressOfSameKeyWithLostStartCountsAgain() {
        feed("80e5 0300 00030000 1a2b3c4d 020a00a0");
        feed("8065 0301 00030000 1a2b3c4d 028a0320");
        // second press of 2: starts (with the marker) lost, only the end packets arrive
        feed("8065 0305 00031000 1a2b3c4d 028a0320");
        feed("8065 0306 00031000 1a2b3c4d 028a0320");
        assertEquals("22", keys.toString());
    }

    @Test
    void digitSequenceWithInterleavedRetransmissions() {
        feed("80e5 ffff 0000a000 1a2b3c4d 0a0a00a0"); // *  (sequence number wraps right after)
        feed("8065 0000 0000a000 1a2b3c4d 0a8a0190");
        feed("8065 0001 0000a000 1a2b3c4d 0a8a0190");
        feed("80e5 0002 0000a640 1a2b3c4d 040a00a0"); // 4
        feed("8065 0003 0000a000 1a2b3c4d 0a8a0190"); // late third end of *
        feed("8065 0004 0000a640 1a2b3c4d 048a0190");
        feed("80e5 0005 0000ac80 1a2b3c4d 0b0a00a0"); // #
        feed("8065 0006 0000ac80 1a2b3c4d 0b8a0190");
        assertEquals("*4#", keys.toString());
    }

    @Test
    void replayedPcapReusingOneSequenceAndTimestampCountsOnlyTheFirstKey() {
        // SIPp's play_pcap_audio of the stock dtmf_2833_1.pcap: every digit replays the same
        // packets, so all share sequence number and timestamp; they are one event to the receiver.
        for (String event : new String[] {"01", "02", "03"}) {
            feed("80e5 0001 00000320 1a2b3c4d " + event + "0a00a0");
            feed("8065 0001 00000320 1a2b3c4d " + event + "8a0320");
        }
        assertEquals("1", keys.toString());
    }

    @Test
    void keyHeldPastTheSixteenBitDurationIsOnePress() {
        // RFC 4733 §2.5.1.3: the duration field saturates at 0xffff; the sender starts a new segment
        // at timestamp + 0xffff, without the marker bit.
        feed("80e5 0400 00100000 1a2b3c4d 090a00a0");
        feed("8065 0401 00100000 1a2b3c4d 090aff00");
        feed("8065 0402 00100000 1a2b3c4d 090affff");
        feed("8065 0403 0010ffff 1a2b3c4d 090a00a0");
        feed("8065 0404 0010ffff 1a2b3c4d 098a0320");
        feed("8065 0405 0010ffff 1a2b3c4d 098a0320");
        // next press of the same key, after the end: a new press
        feed("80e5 0406 00120000 1a2b3c4d 090a00a0");
        assertEquals("99", keys.toString());
    }

    @Test
    void timestampWrappingPast32BitsStillSeparatesEvents() {
        feed("80e5 0500 ffffff60 1a2b3c4d 030a00a0");
        feed("8065 0501 ffffff60 1a2b3c4d 038a0190");
        feed("80e5 0502 00000040 1a2b3c4d 030a00a0");
        feed("8065 0503 00000040 1a2b3c4d 038a0190");
        assertEquals("33", keys.toString());
    }

    @Test
    void ignoresMalformedAndNonKeyEvents() {
        feed("80e5 0600 00050000 1a2b3c4d 050a00"); // 3-byte payload
        feed("80e5 0601 00051000 1a2b3c4d 100a00a0"); // event 16, flash
        feed("80e5 0602 00052000 1a2b3c4d ff0a00a0"); // event 255
        feed("80e5 0603 00053000 1a2b3c4d"); // no payload at all
        assertEquals("", keys.toString());
        feed("80e5 0604 00054000 1a2b3c4d 060a00a0");
        assertEquals("6", keys.toString());
    }

    @Test
    void restartedStreamWithALowerTimestampBaseIsNotIgnored() {
        feed("80e5 0700 80000000 1a2b3c4d 080a00a0");
        // re-INVITE: the sender starts a new stream at a random, lower timestamp
        feed("80e5 1234 10000000 1a2b3c4d 080a00a0");
        assertEquals("88", keys.toString());
    }

}
