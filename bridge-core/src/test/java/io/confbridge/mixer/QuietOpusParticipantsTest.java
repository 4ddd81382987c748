package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.OpusEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quiet Opus callers cost no decoding (issue 11 §3: cost grows with talkers, not participants): once a
 * caller's first second has been measured, a packet whose SILK flags say no voice is left undecoded while
 * the caller is neither heard nor talking, and decoding starts afresh with the first voiced packet. What
 * must not change is what anyone hears: a caller who starts talking is heard from its first voiced packet,
 * and a steady tone already going when its caller joins is heard though SILK no longer flags it.
 * Real libopus encoders send; a PCMU listener's frames are decoded and measured.
 */
class QuietOpusParticipantsTest {
    private static final int N = Codec.FRAME_SAMPLES;
    private static final double AMPLITUDE = 8000;

    private final Mixer mixer = new Mixer();
    private final ByteBuf packet = Unpooled.buffer(1500);
    private final List<Caller> callers = new ArrayList<>();
    private final ParticipantAudio ear = new ParticipantAudio(Codec.PCMU);
    /** What the PCMU listener heard, tick by tick. */
    private final short[] heard = new short[600 * N];
    private int ticks;

    @AfterEach
    void release() {
        packet.release();
        for (Caller c : callers) {
            c.encoder.close();
        }
    }

    /** An Opus phone: a libopus encoder at 16 kHz, sending silence or a 1 kHz tone, a packet a tick. */
    private final class Caller {
        final ParticipantAudio audio = new ParticipantAudio(Codec.OPUS);
        final OpusEncoder encoder = new OpusEncoder();
        final short[] pcm = new short[2 * N];
        final byte[] out = new byte[1275];
        boolean tone;
        /** Not talking, but with the microphone open in a quiet room: white noise at -60 dBFS RMS. */
        boolean noise;
        final java.util.Random random = new java.util.Random(callers.size());
        long sample;
        int seq = 1;

        Caller() {
            callers.add(this);
        }

        /** Encodes the next 20 ms; delivered to the bridge unless {@code deliver} is false (not there yet). */
        void send(boolean deliver) {
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = tone ? (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * 1000 * (sample + i) / 16000))
                        : noise ? (short) Math.round(random.nextGaussian() * 33) : 0;
            }
            sample += pcm.length;
            int length = encoder.encode(pcm, 0, out, 0, out.length);
            if (deliver) {
                packet.clear().writeBytes(out, 0, length);
                audio.received(seq++, packet, 0, length, 0);
            }
        }
    }

    private void meeting() {
        List<ParticipantAudio> all = new ArrayList<>();
        for (Caller c : callers) {
            all.add(c.audio);
            c.send(true); // the jitter buffer's depth: one packet ahead
        }
        all.add(ear);
        mixer.participants(all.toArray(new ParticipantAudio[0]));
    }

    private void tick() {
        for (Caller c : callers) {
            c.send(true);
        }
        mixer.tick(ticks * 20_000_000L);
        EncodedFrameRing out = ear.output();
        int at = out.peek(4);
        assertTrue(at >= 0, "a frame every tick");
        for (int i = 0; i < N; i++) {
            heard[ticks * N + i] = Codec.PCMU.decode(out.frames()[at + i]);
        }
        out.advance();
        ticks++;
    }

    /** The listener's 1 kHz level over ticks {@code [from, to)}, dB relative to the callers' amplitude. */
    private double levelDb(int from, int to) {
        return 20 * Math.log10(WidebandMixerTest.amplitude(heard, from * N, to * N, 1000, 8000) / AMPLITUDE);
    }

    @Test
    void silentCallersAreDecodedOnlyForTheirFirstSecond() {
        Caller[] silent = new Caller[10];
        for (int i = 0; i < silent.length; i++) {
            silent[i] = new Caller();
        }
        Caller talker = new Caller();
        talker.tone = true;
        meeting();
        for (int t = 0; t < 200; t++) {
            tick();
        }
        for (Caller c : silent) {
            assertEquals(ParticipantAudio.OPUS_WARM_UP_FRAMES, c.audio.opusFramesDecoded, "frames decoded of a silent caller");
        }
        assertEquals(200, talker.audio.opusFramesDecoded, "the talker is decoded every tick");
        assertTrue(levelDb(150, 200) > -3, "the talker is heard: " + levelDb(150, 200) + " dB");
    }

    /**
     * Low noise now and then makes SILK flag a frame as voice: that frame is decoded and measured, found
     * too quiet to be talking, and the next one is left again.
     */
    @Test
    void callersSendingLowNoiseAreDecodedOnlyForTheFramesFlaggedAsVoice() {
        Caller[] quiet = new Caller[10];
        for (int i = 0; i < quiet.length; i++) {
            quiet[i] = new Caller();
            quiet[i].noise = true;
        }
        meeting();
        for (int t = 0; t < 500; t++) {
            tick();
        }
        for (Caller c : quiet) {
            long after = c.audio.opusFramesDecoded - ParticipantAudio.OPUS_WARM_UP_FRAMES;
            assertTrue(after < 450 / 10, after + " of the 450 frames after the first second decoded");
        }
    }

    @Test
    void aCallerWhoStartsTalkingAfterASilenceIsHeardFromItsFirstVoicedPacket() {
        Caller caller = new Caller();
        meeting();
        for (int t = 0; t < 100; t++) {
            tick();
        }
        long decoded = caller.audio.opusFramesDecoded;
        assertEquals(ParticipantAudio.OPUS_WARM_UP_FRAMES, decoded);
        caller.tone = true;
        for (int t = 0; t < 60; t++) {
            tick();
        }
        // The packet sent at tick 99 is played at tick 100: the first voiced one, then all of them.
        assertEquals(decoded + 59, caller.audio.opusFramesDecoded);
        assertTrue(levelDb(101, 104) > -6, "heard from the start: " + levelDb(101, 104) + " dB");
        assertTrue(levelDb(110, 160) > -3, "and at its level: " + levelDb(110, 160) + " dB");
    }

    @Test
    void aSteadyToneAlreadyGoingWhenItsCallerJoinsIsHeardThoughSilkNoLongerFlagsIt() {
        Caller caller = new Caller();
        caller.tone = true;
        for (int t = 0; t < 100; t++) {
            caller.send(false); // two seconds before joining: SILK has stopped flagging the steady tone
        }
        meeting();
        for (int t = 0; t < 150; t++) {
            tick();
        }
        assertEquals(150, caller.audio.opusFramesDecoded, "heard, so decoded every tick");
        assertTrue(levelDb(100, 150) > -3, "the tone is heard: " + levelDb(100, 150) + " dB");
    }

    @Test
    void aMutedCallerIsNotDecodedOnceItsHangoverHasRunOut() {
        Caller caller = new Caller();
        caller.tone = true;
        meeting();
        for (int t = 0; t < 60; t++) {
            tick();
        }
        caller.audio.muted(true);
        long decoded = caller.audio.opusFramesDecoded;
        for (int t = 0; t < 100; t++) {
            tick();
        }
        long more = caller.audio.opusFramesDecoded - decoded;
        assertTrue(more <= TalkerDetector.HANGOVER_TICKS + 1, more + " frames decoded while muted");
        assertTrue(levelDb(100, 160) < -40, "and not heard: " + levelDb(100, 160) + " dB");
        caller.audio.muted(false);
        for (int t = 0; t < 40; t++) {
            tick();
        }
        assertTrue(levelDb(170, 200) > -3, "heard again when unmuted: " + levelDb(170, 200) + " dB");
    }
}
