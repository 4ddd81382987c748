package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.OpusDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Digital silence is not Opus-encoded frame after frame (issue 11: cost grows with talkers): a talker
 * alone in the mix hears exactly nothing (the sum minus themself), and so does everyone while nobody
 * talks. After two encoded frames of it, which flush the encoder, the stream sends the shared silence
 * packet, and libopus is not called. What must not change is what anyone hears: the lone talker hears the
 * next voice at its level as soon as it speaks, with no leftover of what came before the silence.
 * Real libopus both ways: the phones encode, the talker's ear decodes every packet it is sent.
 */
class SilentOpusMixTest {
    private static final int N = Codec.FRAME_SAMPLES;
    private static final double AMPLITUDE = 8000;
    private static final int PHASE = 100;

    private Mixer mixer = new Mixer();
    private final OpusPhone a = new OpusPhone(AMPLITUDE);
    private final OpusPhone b = new OpusPhone(AMPLITUDE);
    /** What A's phone plays: A's stream decoded at 16 kHz, tick by tick. */
    private final OpusDecoder aEar = new OpusDecoder();
    private final short[] aHeard = new short[4 * PHASE * 2 * N];
    /** A's packets, as sent. */
    private final byte[][] aPackets = new byte[4 * PHASE][];
    private final long[] aEncodedAfter = new long[4 * PHASE];
    private int ticks;

    @AfterEach
    void release() {
        a.close();
        b.close();
        aEar.close();
    }

    private void tick() {
        a.send();
        b.send();
        mixer.tick(ticks * 20_000_000L);
        EncodedFrameRing out = a.audio.output();
        int at = out.peek(4);
        assertTrue(at >= 0, "a frame every tick");
        int length = out.lengthAt(at);
        aPackets[ticks] = Arrays.copyOfRange(out.frames(), at, at + length);
        out.advance();
        assertEquals(OpusDecoder.FRAME, aEar.decode(aPackets[ticks], 0, length, aHeard, ticks * 2 * N));
        aEncodedAfter[ticks] = a.audio.opusOut == null ? 0 : a.audio.opusOut.framesEncoded;
        ticks++;
    }

    /** A's ear's level of {@code hz} over ticks {@code [from, to)}, dB relative to the phones' amplitude. */
    private double levelDb(double hz, int from, int to) {
        return 20 * Math.log10(WidebandMixerTest.amplitude(aHeard, from * 2 * N, to * 2 * N, hz, 16000) / AMPLITUDE);
    }

    /** The loudest sample A's ear played over ticks {@code [from, to)}. */
    private int peak(int from, int to) {
        int peak = 0;
        for (int i = from * 2 * N; i < to * 2 * N; i++) {
            peak = Math.max(peak, Math.abs(aHeard[i]));
        }
        return peak;
    }

    @Test
    void aLoneTalkerIsSentSilenceWithoutEncodingAndHearsTheNextVoiceAtOnce() {
        mixer.participants(new ParticipantAudio[] {a.audio, b.audio});
        a.send();
        b.send(); // the jitter buffers' depth: one packet ahead

        // 1. A talks alone: the sum minus A is exactly nothing.
        a.hz = 1000;
        for (int t = 0; t < PHASE; t++) {
            tick();
        }
        assertTrue(a.audio.opusOut != null, "A is in the mix: it has its own stream");
        assertTrue(aEncodedAfter[PHASE - 1] <= SharedMix.OpusStream.SILENT_FRAMES_ENCODED, "frames of silence libopus encoded for A: "
                + aEncodedAfter[PHASE - 1]);
        for (int t = PHASE / 2; t < PHASE; t++) {
            assertArrayEquals(Arrays.copyOf(Codec.OPUS.silenceFrame(), Codec.OPUS.silenceFrameLength()), aPackets[t],
                    "A is sent the silence packet at tick " + t);
        }
        assertTrue(peak(PHASE / 2, PHASE) < 100, "A hears nothing, never its own voice: peak " + peak(PHASE / 2, PHASE));

        // 2. B speaks: A hears B at once, at B's level, and never itself.
        b.hz = 600;
        for (int t = 0; t < PHASE; t++) {
            tick();
        }
        int heardFrom = PHASE + 10; // B's talker detection and the codecs' delay
        assertEquals(0, levelDb(600, heardFrom, 2 * PHASE), 3, "A hears B's 600 Hz at its level");
        assertTrue(levelDb(1000, heardFrom, 2 * PHASE) < -30, "A does not hear its own 1 kHz");
        assertTrue(aEncodedAfter[2 * PHASE - 1] - aEncodedAfter[PHASE - 1] >= PHASE - 10,
                "A's mix-minus is encoded while there is something in it");

        // 3. B falls silent: A's stream goes back to silence, and to the silence packet.
        b.hz = 0;
        for (int t = 0; t < PHASE; t++) {
            tick();
        }
        assertTrue(peak(2 * PHASE + 10, 3 * PHASE) < 100, "A hears nothing once B stopped: peak "
                + peak(2 * PHASE + 10, 3 * PHASE));
        assertTrue(aEncodedAfter[3 * PHASE - 1] - aEncodedAfter[3 * PHASE - PHASE / 2] == 0,
                "libopus is left idle through the silence");

        // 4. B speaks again: heard from its first frames, with nothing left over from before the silence.
        b.hz = 600;
        for (int t = 0; t < PHASE; t++) {
            tick();
        }
        assertEquals(0, levelDb(600, 3 * PHASE + 10, 4 * PHASE), 3, "A hears B again at its level");
        assertTrue(peak(3 * PHASE, 3 * PHASE + 10) < 1.5 * AMPLITUDE, "no burst as A's stream wakes: peak "
                + peak(3 * PHASE, 3 * PHASE + 10));
        int firstHeard = -1;
        for (int t = 3 * PHASE; t < 4 * PHASE && firstHeard < 0; t++) {
            if (peak(t, t + 1) > AMPLITUDE / 4) {
                firstHeard = t - 3 * PHASE;
            }
        }
        assertTrue(firstHeard >= 0 && firstHeard <= 4, "B is heard within a few frames of speaking: " + firstHeard);
    }

    @Test
    void theOpusStreamsEncodeAtTheConfiguredComplexityAndAreHeard() {
        mixer = new Mixer(3, 0); // mixer.opusComplexity=0, the cheapest
        ParticipantAudio listener = new ParticipantAudio(Codec.OPUS);
        mixer.participants(new ParticipantAudio[] {a.audio, b.audio, listener});
        a.hz = 1000;
        b.hz = 600;
        a.send();
        b.send();
        for (int t = 0; t < PHASE; t++) {
            tick();
            listener.output().advance();
        }
        assertEquals(0, a.audio.opusOut.complexity(), "A's mix-minus stream");
        assertEquals(0, mixer.shared().opusStream(SharedMix.OPUS_WIDE).complexity(), "the shared stream");
        assertEquals(0, levelDb(600, 10, PHASE), 3, "A hears B at its level");
        assertTrue(levelDb(1000, 10, PHASE) < -30, "and not itself");
        Mixer byDefault = new Mixer();
        byDefault.participants(new ParticipantAudio[] {new ParticipantAudio(Codec.OPUS)});
        byDefault.tick(0);
        assertEquals(5, byDefault.shared().opusStream(SharedMix.OPUS_WIDE).complexity(), "the default complexity");
    }

    @Test
    void whileNobodyTalksTheSharedStreamIsNotEncoded() {
        ParticipantAudio listener = new ParticipantAudio(Codec.OPUS); // sends nothing: never a talker
        mixer.participants(new ParticipantAudio[] {a.audio, b.audio, listener});
        a.send();
        b.send();
        for (int t = 0; t < PHASE; t++) {
            tick();
            listener.output().advance();
        }
        assertTrue(a.audio.opusOut == null, "A never talked: it has no stream of its own");
        assertEquals(SharedMix.OpusStream.SILENT_FRAMES_ENCODED, mixer.shared().opusFramesEncoded(),
                "frames of the shared mix libopus encoded");
        for (int t = 2; t < PHASE; t++) {
            assertArrayEquals(Arrays.copyOf(Codec.OPUS.silenceFrame(), Codec.OPUS.silenceFrameLength()), aPackets[t],
                    "the shared silence packet at tick " + t);
        }
    }
}
