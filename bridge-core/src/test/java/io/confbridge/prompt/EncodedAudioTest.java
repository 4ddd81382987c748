package io.confbridge.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.confbridge.codec.Codec;
import org.junit.jupiter.api.Test;

class EncodedAudioTest {

    @Test
    void padsToWholeFramesAndEncodesEveryCodecOnce() {
        short[] pcm = WavFiles.sine(440, 8000, 0.03, 5000); // 240 samples: one and a half frames
        EncodedAudio clip = EncodedAudio.fromPcm("test", pcm);
        assertEquals(2, clip.frames());
        assertEquals(320, clip.pcm().length);
        for (Codec codec : Codec.values()) {
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
