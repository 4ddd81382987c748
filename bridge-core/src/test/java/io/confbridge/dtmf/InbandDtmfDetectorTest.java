package io.confbridge.dtmf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.confbridge.codec.Codec;
import io.confbridge.prompt.HoldMusic;
import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated tones and real clips, sent through a G.711 round trip (encoded and decoded with
 * {@link Codec}, as the receive path decodes a caller's audio) and fed frame by frame.
 */
class InbandDtmfDetectorTest {

    private static final String ALL_KEYS = "0123456789*#ABCD";

    /** Replaced by a fresh one where a test starts over. */
    private InbandDtmfDetector detector = new InbandDtmfDetector();

    /** The keys the detector reports for the audio, decoded from the codec as a call would. */
    private String detect(short[] pcm, Codec codec) {
        int frames = (pcm.length + Codec.FRAME_SAMPLES - 1) / Codec.FRAME_SAMPLES;
        // frames sit at a non-zero offset of a larger buffer, as in a receive buffer
        int offset = 13;
        short[] decoded = new short[offset + frames * Codec.FRAME_SAMPLES];
        for (int i = 0; i < pcm.length; i++) {
            decoded[offset + i] = codec.decode(codec.encode(pcm[i]));
        }
        for (int i = pcm.length; i < frames * Codec.FRAME_SAMPLES; i++) {
            decoded[offset + i] = codec.decode(codec.silenceFrame()[0]);
        }
        StringBuilder keys = new StringBuilder();
        for (int f = 0; f < frames; f++) {
            char key = detector.onFrame(decoded, offset + f * Codec.FRAME_SAMPLES);
            if (key != DtmfKey.NONE) {
                keys.append(key);
            }
        }
        return keys.toString();
    }

    private String detect(TestSignal signal) {
        return detect(signal.pcm(), Codec.PCMU);
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "PCMA"})
    void everyKeyIsDetectedThroughTheCodec(Codec codec) {
        for (char key : ALL_KEYS.toCharArray()) {
            detector = new InbandDtmfDetector();
            assertEquals(String.valueOf(key), detect(new TestSignal().silence(30).tone(key, 60).silence(60).pcm(), codec),
                    "key " + key);
        }
        detector = new InbandDtmfDetector();
        TestSignal all = new TestSignal();
        for (char key : ALL_KEYS.toCharArray()) {
            all.tone(key, 50).silence(50);
        }
        assertEquals(ALL_KEYS, detect(all.pcm(), codec));
    }

    @Test
    void conferenceIdTypedAtSpeedGivesExactlyItsKeys() {
        TestSignal signal = new TestSignal().silence(100);
        for (char key : "4711001#".toCharArray()) {
            signal.tone(key, 80).silence(60);
        }
        assertEquals("4711001#", detect(signal));
    }

    @Test
    void longPressCountsOnce() {
        assertEquals("5", detect(new TestSignal().silence(50).tone('5', 1000).silence(100)));
    }

    @Test
    void interruptionOfTenMillisecondsIsNotAPause() {
        TestSignal signal = new TestSignal().silence(50).tone('8', 200).silence(10).tone('8', 200).silence(100);
        assertEquals("8", detect(signal));
    }

    @Test
    void differentKeyWithoutPauseIsANewPress() {
        assertEquals("12", detect(new TestSignal().silence(40).tone('1', 80).tone('2', 80).silence(100)));
    }

    @Test
    void tonesOfFortyMillisecondsAreAcceptedAtEveryAlignment() {
        for (int shift = 0; shift < InbandDtmfDetector.BLOCK; shift += 7) {
            detector = new InbandDtmfDetector();
            TestSignal signal = new TestSignal().silenceSamples(shift);
            for (char key : "2580".toCharArray()) {
                signal.tone(key, 40).silence(60);
            }
            assertEquals("2580", detect(signal), "shifted by " + shift + " samples");
        }
    }

    @Test
    void tonesOfTwentyMillisecondsInNoiseAreRejectedAtEveryAlignment() {
        for (int shift = 0; shift < InbandDtmfDetector.BLOCK; shift += 3) {
            detector = new InbandDtmfDetector();
            TestSignal signal = new TestSignal().silenceSamples(shift);
            for (char key : ALL_KEYS.toCharArray()) {
                signal.tone(key, 20, -13, -13, 1.015, 0.985).silence(60);
            }
            assertEquals("", detect(signal.noise(-25, shift)), "shifted by " + shift + " samples");
        }
    }

    @Test
    void tonesOfTwentyMillisecondsAreRejectedAtEveryAlignment() {
        for (int shift = 0; shift < InbandDtmfDetector.BLOCK; shift += 3) {
            detector = new InbandDtmfDetector();
            TestSignal signal = new TestSignal().silenceSamples(shift);
            for (char key : ALL_KEYS.toCharArray()) {
                signal.tone(key, 20).silence(60);
            }
            assertEquals("", detect(signal), "shifted by " + shift + " samples");
        }
    }

    @Test
    void twistWithinTheLimitsIsAccepted() {
        TestSignal signal = new TestSignal();
        for (char key : ALL_KEYS.toCharArray()) {
            signal.tone(key, 60, -6, -14, 1, 1).silence(60); // normal twist 8 dB, the limit
            signal.tone(key, 60, -10, -6, 1, 1).silence(60); // reverse twist 4 dB, the limit
        }
        assertEquals(ALL_KEYS.replaceAll("(.)", "$1$1"), detect(signal));
    }

    @Test
    void twistBeyondTheLimitsIsRejected() {
        TestSignal signal = new TestSignal();
        for (char key : ALL_KEYS.toCharArray()) {
            signal.tone(key, 60, -6, -16, 1, 1).silence(60); // normal twist 10 dB
            signal.tone(key, 60, -12, -6, 1, 1).silence(60); // reverse twist 6 dB
        }
        assertEquals("", detect(signal));
    }

    @Test
    void frequencyErrorOfOneAndAHalfPercentIsAccepted() {
        double[] factors = {0.985, 1.015};
        TestSignal signal = new TestSignal();
        for (char key : ALL_KEYS.toCharArray()) {
            for (double row : factors) {
                for (double col : factors) {
                    signal.tone(key, 60, -10, -10, row, col).silence(60);
                }
            }
        }
        assertEquals(ALL_KEYS.replaceAll("(.)", "$1$1$1$1"), detect(signal));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.95, 0.965, 1.035, 1.05})
    void frequencyErrorOfThreeAndAHalfPercentOrMoreIsRejected(double factor) {
        TestSignal signal = new TestSignal();
        for (char key : ALL_KEYS.toCharArray()) {
            signal.tone(key, 80, -10, -10, factor, 1).silence(60);
            signal.tone(key, 80, -10, -10, 1, factor).silence(60);
            signal.tone(key, 80, -10, -10, factor, factor).silence(60);
        }
        assertEquals("", detect(signal));
    }

    @Test
    void quietToneAtMinus25DbfsIsDetected() {
        TestSignal signal = new TestSignal();
        for (char key : ALL_KEYS.toCharArray()) {
            signal.tone(key, 60, -25, -25, 1, 1).silence(60);
        }
        assertEquals(ALL_KEYS, detect(signal));
    }

    @Test
    void toneBelowTheMinimumLevelIsIgnored() {
        TestSignal signal = new TestSignal();
        for (char key : ALL_KEYS.toCharArray()) {
            signal.tone(key, 60, -45, -45, 1, 1).silence(60);
        }
        assertEquals("", detect(signal.pcm(), Codec.PCMA));
    }

    @Test
    void whiteNoiseAloneGivesNoKey() {
        for (long seed = 1; seed <= 3; seed++) {
            detector = new InbandDtmfDetector();
            assertEquals("", detect(new TestSignal().silence(5000).noise(-20, seed)), "seed " + seed);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMU", "PCMA"})
    void toneInNoiseAtFifteenDbSnrIsDetected(Codec codec) {
        // two tones at -13 dBFS each make -10 dBFS of signal; noise 15 dB below that
        for (long seed = 1; seed <= 3; seed++) {
            detector = new InbandDtmfDetector();
            TestSignal signal = new TestSignal().silence(60);
            for (char key : ALL_KEYS.toCharArray()) {
                signal.tone(key, 60, -13, -13, 1, 1).silence(60);
            }
            assertEquals(ALL_KEYS, detect(signal.noise(-25, seed).pcm(), codec), "seed " + seed);
        }
    }

    @Test
    void holdMusicGivesNoKey() {
        short[] music = HoldMusic.synthesized().pcm();
        assertEquals("", detect(music, Codec.PCMU));
        // louder, as a caller's own music on hold might come in
        short[] loud = new short[music.length];
        for (int i = 0; i < music.length; i++) {
            loud[i] = (short) Math.max(-32768, Math.min(32767, music[i] * 3));
        }
        assertEquals("", detect(loud, Codec.PCMA));
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "zh"})
    void speechOfEveryPromptGivesNoKey(String language) {
        PromptLibrary prompts = PromptLibrary.builtIn(language);
        for (Prompt prompt : Prompt.values()) {
            assertEquals("", detect(prompts.get(prompt).pcm(), Codec.PCMU), language + " " + prompt);
        }
    }

    @Test
    void keyOverSpeechIsStillDetected() {
        // a caller typing over a prompt that echoes back quietly (barge-in)
        short[] speech = PromptLibrary.builtIn("en").get(Prompt.WELCOME).pcm();
        TestSignal signal = new TestSignal().tone('7', 100).silence(100).tone('9', 100);
        short[] tones = signal.pcm();
        short[] mixed = speech.clone();
        for (int i = 0; i < tones.length; i++) {
            mixed[8000 + i] = (short) Math.max(-32768, Math.min(32767, mixed[8000 + i] / 10 + tones[i]));
        }
        assertEquals("79", detect(mixed, Codec.PCMU));
    }
}
