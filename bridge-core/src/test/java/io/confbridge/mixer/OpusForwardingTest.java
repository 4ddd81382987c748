package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.OpusDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One Opus talker and nothing else in the mix (the commonest state of a meeting): the wideband Opus
 * listeners are sent the talker's own packets, byte for byte, and libopus encodes nothing for them.
 * Everyone else is served as before, and as soon as the mix is more than that one packet (a second
 * talker) the shared stream is encoded again; a packet lost on its way to the bridge is passed on as
 * lost. Real libopus both ways: the phones encode, the listeners' ears decode every packet they are sent.
 */
class OpusForwardingTest {
    private static final int N = Codec.FRAME_SAMPLES;
    private static final double AMPLITUDE = 8000;
    private static final int PHASE = 100;
    private static final int SETTLED = 10; // talker detection and the codecs' delay

    private final Mixer mixer = new Mixer();
    private final OpusPhone a = new OpusPhone(AMPLITUDE);
    private final OpusPhone b = new OpusPhone(AMPLITUDE);
    private final Ear wide = new Ear(Codec.OPUS, 48_000);
    private final Ear narrow = new Ear(Codec.OPUS, 8000);
    private final Ear pcmu = new Ear(Codec.PCMU, 0);
    /** A's packets in the order sent. */
    private final List<byte[]> aSent = new ArrayList<>();
    private int ticks;

    @AfterEach
    void release() {
        a.close();
        b.close();
        wide.close();
        narrow.close();
    }

    /** A listener who sends nothing: its packets as sent, and for Opus what its phone plays at 16 kHz. */
    private static final class Ear {
        final ParticipantAudio audio;
        final OpusDecoder decoder;
        final List<byte[]> packets = new ArrayList<>();
        final short[] heard = new short[4 * PHASE * 2 * N];

        Ear(Codec codec, int maxPlaybackRate) {
            audio = new ParticipantAudio(codec);
            if (maxPlaybackRate > 0) {
                audio.maxPlaybackRate(maxPlaybackRate);
            }
            decoder = codec == Codec.OPUS ? new OpusDecoder() : null;
        }

        void take(int tick) {
            EncodedFrameRing out = audio.output();
            int at = out.peek(4);
            assertTrue(at >= 0, "a frame every tick");
            byte[] p = Arrays.copyOfRange(out.frames(), at, at + out.lengthAt(at));
            out.advance();
            packets.add(p);
            if (decoder != null && p.length == 0) {
                decoder.conceal(heard, tick * 2 * N, OpusDecoder.FRAME); // passed on as lost: the phone conceals
            } else if (decoder != null) {
                assertEquals(OpusDecoder.FRAME, decoder.decode(p, 0, p.length, heard, tick * 2 * N));
            }
        }

        /** The level of {@code hz} over ticks {@code [from, to)}, dB relative to the phones' amplitude. */
        double levelDb(double hz, int from, int to) {
            return 20 * Math.log10(WidebandMixerTest.amplitude(heard, from * 2 * N, to * 2 * N, hz, 16000) / AMPLITUDE);
        }

        void close() {
            if (decoder != null) {
                decoder.close();
            }
        }
    }

    private void tick(boolean aLost) {
        aSent.add(a.send(aLost));
        b.send();
        mixer.tick(ticks * 20_000_000L);
        wide.take(ticks);
        narrow.take(ticks);
        pcmu.take(ticks);
        ticks++;
    }

    private void run(int n) {
        for (int t = 0; t < n; t++) {
            tick(false);
        }
    }

    private long sharedEncoded() {
        return mixer.shared().opusStream(SharedMix.OPUS_WIDE).framesEncoded;
    }

    /** Whether the wideband listener's packet at {@code tick} is one of A's packets, byte for byte. */
    private boolean forwardedAt(int tick) {
        byte[] got = wide.packets.get(tick);
        for (byte[] sent : aSent) {
            if (Arrays.equals(sent, got)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aLoneOpusTalkersPacketsGoToTheWidebandListenersAsTheyCame() {
        mixer.participants(new ParticipantAudio[] {a.audio, b.audio, wide.audio, narrow.audio, pcmu.audio});
        a.hz = 1000;
        run(PHASE);

        long encoded = sharedEncoded();
        // The jitter buffer's depth: the packet played at a tick was sent a fixed number of ticks before.
        int delay = -1;
        for (int d = 0; d <= 3 && delay < 0; d++) {
            if (Arrays.equals(aSent.get(SETTLED - d), wide.packets.get(SETTLED))) {
                delay = d;
            }
        }
        assertTrue(delay >= 0, "the wideband listener is sent A's own packet");
        for (int t = SETTLED; t < PHASE; t++) {
            assertArrayEquals(aSent.get(t - delay), wide.packets.get(t), "A's packet, as sent, at tick " + t);
        }
        assertTrue(mixer.shared().opusForwarded() >= PHASE - SETTLED, "ticks forwarded: " + mixer.shared().opusForwarded());
        assertTrue(encoded <= SharedMix.OpusStream.SILENT_FRAMES_ENCODED,
                "libopus encoded only the silence before A was a talker: " + encoded);
        assertEquals(0, wide.levelDb(1000, SETTLED, PHASE), 3, "the wideband listener hears A at its level");

        // The narrowband Opus ear asked for 8 kHz: it is not sent A's wideband packets but its own band's.
        for (int t = SETTLED; t < PHASE; t++) {
            assertFalse(Arrays.equals(wide.packets.get(t), narrow.packets.get(t)), "the narrowband stream is its own, tick " + t);
        }
        assertEquals(0, narrow.levelDb(1000, SETTLED, PHASE), 3, "the narrowband ear hears A at its level");
        assertTrue(a.audio.opusOut == null || a.audio.opusOut.framesEncoded <= SharedMix.OpusStream.SILENT_FRAMES_ENCODED,
                "A hears nothing of itself, so nothing is encoded for A");
    }

    @Test
    void aSecondTalkerIsEncodedUntilThePauseAndALostPacketIsPassedOn() {
        mixer.participants(new ParticipantAudio[] {a.audio, b.audio, wide.audio, narrow.audio, pcmu.audio});
        a.hz = 1000;
        run(PHASE);
        assertTrue(forwardedAt(PHASE - 1), "A alone: forwarded");

        // B talks too: the mix of both, encoded by a restarted encoder, both heard, no swell at the change.
        b.hz = 600;
        long before = sharedEncoded();
        run(PHASE);
        assertTrue(sharedEncoded() - before >= PHASE - SETTLED, "two talkers: encoded every tick");
        for (int t = PHASE + SETTLED; t < 2 * PHASE; t++) {
            assertFalse(forwardedAt(t), "not A's packet while B talks too, tick " + t);
        }
        assertEquals(0, wide.levelDb(1000, PHASE + SETTLED, 2 * PHASE), 3, "A heard in the mix");
        assertEquals(0, wide.levelDb(600, PHASE + SETTLED, 2 * PHASE), 3, "B heard in the mix");
        assertTrue(peak(PHASE, PHASE + SETTLED) < 1.2 * peak(PHASE + SETTLED, 2 * PHASE),
                "no swell as the encoder takes over: " + peak(PHASE, PHASE + SETTLED) + " against "
                        + peak(PHASE + SETTLED, 2 * PHASE));

        // B stops while A goes on: the stream stays encoded, since a decoder does not go over to another
        // encoder's packets mid-speech cleanly.
        b.hz = 0;
        run(PHASE / 2);
        for (int t = 2 * PHASE + SETTLED; t < 5 * PHASE / 2; t++) {
            assertFalse(forwardedAt(t), "encoded until A pauses, tick " + t);
        }
        assertEquals(0, wide.levelDb(1000, 2 * PHASE + SETTLED, 5 * PHASE / 2), 3, "A heard at its level");

        // A pauses: the stream falls back to silence, and forwarding starts again with A's voice.
        a.hz = 0;
        run(PHASE / 2);
        a.hz = 1000;
        run(PHASE / 2);
        int back = 3 * PHASE;
        for (int t = back + SETTLED; t < back + PHASE / 2; t++) {
            assertTrue(forwardedAt(t), "A's own packet again after the pause, tick " + t);
        }
        assertEquals(0, wide.levelDb(1000, back + SETTLED, back + PHASE / 2), 3, "A heard at its level");
        assertTrue(peak(back, back + SETTLED) < 1.2 * peak(back + SETTLED, back + PHASE / 2),
                "no burst as forwarding starts: " + peak(back, back + SETTLED) + " against "
                        + peak(back + SETTLED, back + PHASE / 2));

        // A packet of A's is lost: the wideband ears are passed the loss (no packet: they conceal it), and
        // forwarding goes on, with nothing encoded.
        before = sharedEncoded();
        tick(true);
        run(PHASE / 2 - 1);
        int lost = back + PHASE / 2;
        assertEquals(before, sharedEncoded(), "nothing encoded for the loss");
        int gaps = 0;
        for (int t = lost; t < lost + 4; t++) {
            gaps += wide.packets.get(t).length == 0 ? 1 : 0;
        }
        assertEquals(1, gaps, "one frame passed on as lost");
        for (int t = lost + 4; t < 4 * PHASE; t++) {
            assertTrue(forwardedAt(t), "A's own packets after the loss, tick " + t);
        }
        assertEquals(0, wide.levelDb(1000, lost + 4, 4 * PHASE), 3, "A heard at its level after the loss");
        assertEquals(0, narrow.levelDb(1000, lost + 4, 4 * PHASE), 3, "and by the narrowband ear, from the bridge's encode");
    }

    /** The loudest sample the wideband ear played over ticks {@code [from, to)}. */
    private int peak(int from, int to) {
        int peak = 0;
        for (int i = from * 2 * N; i < to * 2 * N; i++) {
            peak = Math.max(peak, Math.abs(wide.heard[i]));
        }
        return peak;
    }
}
