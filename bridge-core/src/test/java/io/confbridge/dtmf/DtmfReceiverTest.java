package io.confbridge.dtmf;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Encoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The call's one DTMF entry: every path feeds it, and a press sent on several paths counts once. */
class DtmfReceiverTest {
    private static final long MS = 1_000_000;

    private final ByteBuf buf = Unpooled.buffer(Codec.FRAME_SAMPLES);
    private final StringBuilder pressed = new StringBuilder();

    @AfterEach
    void release() {
        buf.release();
    }

    /** An RFC 4733 payload: event, E bit, volume 10, duration. */
    private void event(DtmfReceiver receiver, int event, boolean end, long rtpTimestamp, boolean marker, long nowNs) {
        buf.clear().writeByte(event).writeByte((end ? 0x80 : 0) | 10).writeShort(160);
        note(receiver.telephoneEvent(buf, 0, 4, rtpTimestamp, marker, nowNs));
    }

    /** Feeds the signal as 20 ms audio packets, as the RTP session would. */
    private void audio(DtmfReceiver receiver, short[] pcm, long startNs) {
        for (int f = 0; f + Codec.FRAME_SAMPLES <= pcm.length; f += Codec.FRAME_SAMPLES) {
            buf.clear();
            for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
                buf.writeByte(Codec.PCMU.encode(pcm[f + i]));
            }
            note(receiver.audio(buf, 0, Codec.FRAME_SAMPLES, startNs + f / 8 * MS));
        }
    }

    private void note(char key) {
        if (key != DtmfKey.NONE) {
            pressed.append(key);
        }
    }

    @Test
    void aPressOnRfc4733AndSipInfoCountsOnce() {
        DtmfReceiver receiver = new DtmfReceiver(Codec.PCMU, false);
        receiver.startCounting();
        event(receiver, 5, false, 1000, true, 0);
        event(receiver, 5, true, 1000, false, 20 * MS);
        note(receiver.signalled('5', 40 * MS));
        note(receiver.signalled('6', 60 * MS));
        assertEquals("56", pressed.toString());
    }

    @Test
    void inBandTonesAreHeardOnlyWhenListening() {
        short[] tone = new TestSignal().silence(40).tone('7', 80).silence(80).pcm();
        DtmfReceiver deaf = new DtmfReceiver(Codec.PCMU, false);
        deaf.startCounting();
        audio(deaf, tone, 0);
        assertEquals("", pressed.toString());

        DtmfReceiver listening = new DtmfReceiver(Codec.PCMU, true);
        listening.startCounting();
        audio(listening, tone, 0);
        assertEquals("7", pressed.toString());
    }

    @Test
    void inBandTonesAreHeardInG722Too() {
        // The 8 kHz signal, upsampled by linear interpolation to 16 kHz and G.722-encoded as a phone would.
        short[] narrow = new TestSignal().silence(40).tone('4', 80).silence(40).tone('2', 80).silence(80).pcm();
        short[] wide = new short[2 * narrow.length];
        for (int i = 0; i < narrow.length; i++) {
            int next = i + 1 < narrow.length ? narrow[i + 1] : 0;
            wide[2 * i] = narrow[i];
            wide[2 * i + 1] = (short) ((narrow[i] + next) / 2);
        }
        byte[] encoded = new byte[narrow.length];
        new G722Encoder().encode(wide, 0, wide.length, encoded, 0);
        DtmfReceiver receiver = new DtmfReceiver(Codec.G722, true);
        receiver.startCounting();
        for (int f = 0; f + Codec.FRAME_SAMPLES <= encoded.length; f += Codec.FRAME_SAMPLES) {
            buf.clear().writeBytes(encoded, f, Codec.FRAME_SAMPLES);
            note(receiver.audio(buf, 0, Codec.FRAME_SAMPLES, f / 8 * MS));
        }
        assertEquals("42", pressed.toString());
    }

    /**
     * Issue 11 §4 takes packets of 10 to 60 ms: tones are heard in all of them, in G.711 and G.722 alike,
     * each press once. (They used to be searched for in each packet's first 20 ms alone, padded with
     * silence: a 10 ms caller's tones came to the detector chopped, a 60 ms caller's two thirds missing.)
     */
    @ParameterizedTest(name = "{0} in {1} ms packets")
    @CsvSource({"PCMU, 10", "PCMU, 20", "PCMU, 30", "PCMU, 40", "PCMU, 60",
            "PCMA, 30", "G722, 10", "G722, 30", "G722, 60"})
    void inBandTonesAreHeardWhateverThePacketTime(Codec codec, int packetMs) {
        short[] narrow = new TestSignal().silence(40).tone('4', 80).silence(60).tone('2', 80).silence(60)
                .tone('#', 60).silence(120).pcm();
        byte[] encoded = new byte[narrow.length];
        if (codec == Codec.G722) {
            short[] wide = new short[2 * narrow.length];
            for (int i = 0; i < narrow.length; i++) {
                int next = i + 1 < narrow.length ? narrow[i + 1] : 0;
                wide[2 * i] = narrow[i];
                wide[2 * i + 1] = (short) ((narrow[i] + next) / 2);
            }
            new G722Encoder().encode(wide, 0, wide.length, encoded, 0);
        } else {
            for (int i = 0; i < narrow.length; i++) {
                encoded[i] = codec.encode(narrow[i]);
            }
        }
        DtmfReceiver receiver = new DtmfReceiver(codec, true);
        receiver.startCounting();
        int packet = 8 * packetMs;
        ByteBuf payload = Unpooled.buffer(packet);
        try {
            for (int at = 0; at + packet <= encoded.length; at += packet) {
                payload.clear().writeBytes(encoded, at, packet);
                note(receiver.audio(payload, 0, packet, at / 8 * MS));
            }
        } finally {
            payload.release();
        }
        assertEquals("42#", pressed.toString());
    }

    /** A 60 ms packet in which a key's tones end is still kept from the mix: its first 20 ms sounded. */
    @Test
    void aLongPacketInWhichTheTonesEndStillCarriesThem() {
        short[] narrow = new TestSignal().silence(60).tone('5', 80).silence(100).pcm();
        DtmfReceiver receiver = new DtmfReceiver(Codec.PCMU, true);
        receiver.startCounting();
        int packet = 8 * 60;
        ByteBuf payload = Unpooled.buffer(packet);
        StringBuilder carried = new StringBuilder();
        try {
            for (int at = 0; at + packet <= narrow.length; at += packet) {
                payload.clear();
                for (int i = 0; i < packet; i++) {
                    payload.writeByte(Codec.PCMU.encode(narrow[at + i]));
                }
                note(receiver.audio(payload, 0, packet, at / 8 * MS));
                carried.append(receiver.keyToneInAudio() ? 'T' : '-');
            }
        } finally {
            payload.release();
        }
        assertEquals("5", pressed.toString());
        assertEquals("-TT-", carried.toString(), "packets 60-120 ms (all tone) and 120-180 ms (20 ms of tone, then silence)");
    }

    @Test
    void pressesBeforeTheMenuStartsAreNotReported() {
        DtmfReceiver receiver = new DtmfReceiver(Codec.PCMU, false);
        event(receiver, 1, false, 2000, true, 0);
        note(receiver.signalled('2', 0));
        receiver.startCounting();
        event(receiver, 1, true, 2000, false, 20 * MS); // the same event as before the start
        note(receiver.signalled('3', 40 * MS));
        assertEquals("3", pressed.toString());
    }
}
