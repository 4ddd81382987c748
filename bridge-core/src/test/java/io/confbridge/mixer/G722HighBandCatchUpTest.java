package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Decoder;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.Subbands;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A G.722 participant outside the mix has only its lower band decoded; chosen as a talker, its higher
 * band is caught up from the frames kept. Checked against a decoder that decodes every band of every
 * frame, as the mixer did before.
 */
class G722HighBandCatchUpTest {
    private static final int N = Codec.FRAME_SAMPLES;
    private static final int FRAMES = 200;

    private final byte[] encoded = speechLikeG722();
    private final ByteBuf packet = Unpooled.buffer(N);
    private final ParticipantAudio audio = new ParticipantAudio(Codec.G722);
    /** Decodes both bands of every frame the participant's jitter buffer gives out. */
    private final G722Decoder reference = new G722Decoder();
    private final int[] refLow = new int[N];
    private final int[] refHigh = new int[N];
    private int sent;
    private int taken;

    @AfterEach
    void release() {
        packet.release();
    }

    @Test
    void outsideTheMixOnlyTheLowerBandIsDecodedAndAChosenTalkersHigherBandIsExactWithinTheKeptFrames() {
        send(); // the jitter buffer's depth: one frame ahead
        for (int tick = 0; tick < ParticipantAudio.UNDECODED_HIGH_FRAMES - 1; tick++) {
            tick(false);
            assertFalse(audio.wideFrame, "tick " + tick + ": no higher band outside the mix");
        }
        tick(false);
        audio.catchUpHighBand();
        assertTrue(audio.wideFrame);
        assertArrayEquals(atMixScale(refHigh), audio.high, "caught up over " + ParticipantAudio.UNDECODED_HIGH_FRAMES
                + " frames: exactly the higher band of a decoder that never skipped it");

        // In the mix, both bands every tick; out of it again and back, exact again.
        for (int tick = 0; tick < 5; tick++) {
            tick(true);
            assertTrue(audio.wideFrame);
            assertArrayEquals(atMixScale(refHigh), audio.high);
        }
        for (int tick = 0; tick < 7; tick++) {
            tick(false);
        }
        audio.catchUpHighBand();
        assertArrayEquals(atMixScale(refHigh), audio.high);
    }

    @Test
    void aTalkerChosenAfterLongerOutsideTheMixHasItsHigherBandConvergedOnTheKeptFrames() {
        send();
        for (int tick = 0; tick < 120; tick++) {
            tick(false);
        }
        audio.catchUpHighBand();
        short[] expected = atMixScale(refHigh);
        assertTrue(energy(expected) > 1e6, "the signal has a higher band to get right");
        double error = 0;
        for (int i = 0; i < N; i++) {
            double d = expected[i] - audio.high[i];
            error += d * d;
        }
        double snrDb = 10 * Math.log10(energy(expected) / Math.max(error, 1));
        assertTrue(snrDb > 50, "restarted on the last " + ParticipantAudio.UNDECODED_HIGH_FRAMES
                + " frames, the higher band is within 50 dB of exact (63 measured): " + snrDb + " dB");
        // And in the mix from the next tick, decoded on from there.
        tick(true);
        assertTrue(audio.wideFrame);
    }

    /** One tick: a packet in, the frame out, the reference decoder on the same frame. */
    private void tick(boolean inMixBefore) {
        send();
        audio.inMix = inMixBefore;
        assertTrue(audio.takeFrame(), "a frame every tick");
        reference.decodeBands(encoded, taken * N, N, refLow, refHigh);
        taken++;
        assertArrayEquals(atMixScale(refLow), audio.frame, "the lower band is always exact");
    }

    private void send() {
        packet.clear().writeBytes(encoded, sent * N, N);
        audio.received(sent + 1, packet, 0, N);
        sent++;
    }

    private static short[] atMixScale(int[] band) {
        short[] out = new short[N];
        for (int i = 0; i < N; i++) {
            out[i] = (short) Subbands.toMixScale(band[i]);
        }
        return out;
    }

    private static double energy(short[] s) {
        double e = 0;
        for (short v : s) {
            e += (double) v * v;
        }
        return e;
    }

    /** Noise with a 4 Hz syllable envelope, low-passed and with a 5 kHz part: both bands busy. */
    private static byte[] speechLikeG722() {
        short[] pcm = new short[FRAMES * 2 * N];
        long seed = 722;
        double lp = 0;
        for (int i = 0; i < pcm.length; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            double noise = (seed >> 33) / (double) (1L << 30);
            lp = 0.6 * lp + 0.4 * noise;
            double env = 0.2 + Math.abs(Math.sin(2 * Math.PI * 4 * i / 16_000.0));
            double v = 20_000 * env * lp + 3_000 * Math.sin(2 * Math.PI * 5_000 * i / 16_000.0);
            pcm[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        byte[] out = new byte[FRAMES * N];
        new G722Encoder().encode(pcm, 0, pcm.length, out, 0);
        return out;
    }
}
