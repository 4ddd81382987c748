package io.confbridge.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Decoder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EncodedAudioTest {

    @Test
    void padsToWholeFramesAndEncodesEveryCodecOnce() {
        short[] pcm = WavFiles.sine(440, 8000, 0.03, 5000); // 240 samples: one and a half frames
        EncodedAudio clip = EncodedAudio.fromPcm("test", pcm);
        assertEquals(2, clip.frames());
        assertEquals(320, clip.pcm().length);
        for (Codec codec : new Codec[] {Codec.PCMU, Codec.PCMA}) {
            byte[] payload = clip.payload(codec);
            assertEquals(320, payload.length);
            assertSame(payload, clip.payload(codec), "one shared array");
            for (int i = 0; i < 320; i++) {
                short expected = i < pcm.length ? pcm[i] : 0;
                assertEquals(expected, clip.pcm()[i]);
                assertEquals(codec.encode(expected), payload[i]);
            }
        }
    }

    @Test
    void g722PayloadIsTheClipAsTheLowBandOfWidebandAudio() {
        short[] pcm = WavFiles.sine(440, 8000, 0.5, 5000);
        EncodedAudio clip = EncodedAudio.fromPcm("tone", pcm);
        byte[] payload = clip.payload(Codec.G722);
        assertEquals(clip.pcm().length, payload.length, "a byte per 8 kHz sample, as G.711");
        assertSame(payload, clip.payload(Codec.G722));
        short[] wide = new short[2 * payload.length];
        new G722Decoder().decode(payload, 0, payload.length, wide, 0);
        // After the codec's start, a G.722 phone hears the 440 Hz tone at its level, at 16 kHz.
        double peak = 0;
        for (int i = wide.length / 2; i < wide.length; i++) {
            peak = Math.max(peak, Math.abs(wide[i]));
        }
        assertEquals(5000, peak, 500);
        byte[] zeros = EncodedAudio.fromPcm("zeros", new short[1600]).payload(Codec.G722);
        assertArrayEquals(Codec.G722.silenceFrame(), Arrays.copyOfRange(zeros, 1440, 1600),
                "a silent clip is the codec's silence frame once the encoder has settled");
    }

    @Test
    void copiesTheInput() {
        short[] pcm = new short[160];
        pcm[0] = 1000;
        EncodedAudio clip = EncodedAudio.fromPcm("copy", pcm);
        pcm[0] = 0;
        assertEquals(1000, clip.pcm()[0]);
    }

    @Test
    void knowsSilenceFromSound() {
        assertTrue(EncodedAudio.fromPcm("zeros", new short[800]).isSilent());
        EncodedAudio tone = EncodedAudio.fromPcm("tone", WavFiles.sine(440, 8000, 0.1, 3000));
        assertFalse(tone.isSilent());
        assertEquals(3000, tone.peakAmplitude(), 1);
    }

    @Test
    void rejectsEmptyClips() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncodedAudio.fromPcm("nothing.wav", new short[0]));
        assertTrue(e.getMessage().contains("nothing.wav"));
    }
}
