package io.confbridge.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Decoder;
import io.confbridge.codec.G722Encoder;
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
    void widebandClipsArePaddedToWholeFramesAlikeInEveryCodec() {
        short[] pcm16k = WavFiles.sine(440, 16000, 0.03, 5000); // 480 samples: one and a half frames
        EncodedAudio clip = EncodedAudio.fromWidebandPcm("test", pcm16k);
        assertTrue(clip.isWideband());
        assertEquals(2, clip.frames());
        assertEquals(640, clip.widebandPcm().length);
        assertEquals(320, clip.pcm().length);
        for (Codec codec : Codec.values()) {
            assertEquals(320, clip.payload(codec).length, codec.name());
            assertSame(clip.payload(codec), clip.payload(codec), "one shared array");
        }
        for (int i = 0; i < 640; i++) {
            assertEquals(i < pcm16k.length ? pcm16k[i] : 0, clip.widebandPcm()[i]);
        }
        assertFalse(EncodedAudio.fromPcm("narrow", new short[160]).isWideband());
        assertThrows(IllegalStateException.class, () -> EncodedAudio.fromPcm("narrow", new short[160]).widebandPcm());
    }

    @Test
    void widebandG722PayloadIsTheSourceItselfInOnePass() {
        short[] pcm16k = WavFiles.sine(1000, 16000, 0.2, 5000);
        byte[] expected = new byte[pcm16k.length / 2];
        new G722Encoder().encode(pcm16k, 0, pcm16k.length, expected, 0);
        assertArrayEquals(expected, EncodedAudio.fromWidebandPcm("tone", pcm16k).payload(Codec.G722));
    }

    @Test
    void sixKilohertzReachesG722ButNeitherG711NorTheMixNorAsAnAlias() {
        double amplitude = 10000;
        EncodedAudio clip = EncodedAudio.fromWidebandPcm("6 kHz", WavFiles.sine(6000, 16000, 1.0, amplitude));
        short[] wide = decodeG722(clip);
        // after the first 20 ms, while the ADPCM adapts
        double heard = Tone.amplitude(wide, 16000, 6000, 320, wide.length);
        assertEquals(0, Tone.db(heard, amplitude), 2.0, "G.722 level of the 6 kHz tone, dB");

        double rmsOfTone = amplitude / Math.sqrt(2);
        short[][] narrowband = {clip.pcm(), decodeG711(clip, Codec.PCMU), decodeG711(clip, Codec.PCMA)};
        String[] names = {"pcm()", "PCMU", "PCMA"};
        for (int c = 0; c < narrowband.length; c++) {
            short[] pcm = narrowband[c];
            double residue = Tone.rms(pcm, 0, pcm.length);
            assertTrue(Tone.db(residue, rmsOfTone) < -40, names[c] + " residue " + Tone.db(residue, rmsOfTone) + " dB");
            // 6 kHz decimated without a low-pass would fold to 8 - 6 = 2 kHz
            double alias = Tone.amplitude(pcm, 8000, 2000, 0, pcm.length);
            assertTrue(Tone.db(alias, amplitude) < -40, names[c] + " 2 kHz alias " + Tone.db(alias, amplitude) + " dB");
        }
    }

    @Test
    void oneKilohertzIsAtItsLevelInEveryCodec() {
        double amplitude = 10000;
        EncodedAudio clip = EncodedAudio.fromWidebandPcm("1 kHz", WavFiles.sine(1000, 16000, 1.0, amplitude));
        short[] wide = decodeG722(clip);
        assertEquals(0, Tone.db(Tone.amplitude(wide, 16000, 1000, 320, wide.length), amplitude), 0.5, "G.722, dB");
        short[][] narrowband = {clip.pcm(), decodeG711(clip, Codec.PCMU), decodeG711(clip, Codec.PCMA)};
        String[] names = {"pcm()", "PCMU", "PCMA"};
        for (int c = 0; c < narrowband.length; c++) {
            short[] pcm = narrowband[c];
            assertEquals(0, Tone.db(Tone.amplitude(pcm, 8000, 1000, 160, pcm.length - 160), amplitude), 0.5,
                    names[c] + ", dB");
        }
        assertEquals(amplitude, clip.peakAmplitude(), 1, "the source's peak");
    }

    private static short[] decodeG722(EncodedAudio clip) {
        byte[] payload = clip.payload(Codec.G722);
        short[] wide = new short[2 * payload.length];
        new G722Decoder().decode(payload, 0, payload.length, wide, 0);
        return wide;
    }

    private static short[] decodeG711(EncodedAudio clip, Codec codec) {
        byte[] payload = clip.payload(codec);
        short[] pcm = new short[payload.length];
        for (int i = 0; i < payload.length; i++) {
            pcm[i] = codec.decode(payload[i]);
        }
        return pcm;
    }

    @Test
    void copiesTheInput() {
        short[] pcm = new short[160];
        pcm[0] = 1000;
        EncodedAudio clip = EncodedAudio.fromPcm("copy", pcm);
        pcm[0] = 0;
        assertEquals(1000, clip.pcm()[0]);
        short[] pcm16k = new short[320];
        pcm16k[0] = 1000;
        EncodedAudio wide = EncodedAudio.fromWidebandPcm("copy", pcm16k);
        pcm16k[0] = 0;
        assertEquals(1000, wide.widebandPcm()[0]);
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
        e = assertThrows(IllegalArgumentException.class, () -> EncodedAudio.fromWidebandPcm("wide.wav", new short[0]));
        assertTrue(e.getMessage().contains("wide.wav"));
    }
}
