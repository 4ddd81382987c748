package io.confbridge.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoldMusicTest {

    private final EncodedAudio loop = HoldMusic.synthesized();
    private final short[] pcm = loop.pcm();

    @Test
    void isATwentySecondWidebandLoopBuiltOnce() {
        assertEquals(1000, loop.frames());
        assertTrue(loop.isWideband());
        assertEquals(320_000, loop.widebandPcm().length, "20 s at 16 kHz");
        assertSame(loop, HoldMusic.synthesized());
    }

    @Test
    void peaksAtMinus12DbfsAndIsNeverQuietForLong() {
        assertEquals(Synthesis.MINUS_12_DBFS, loop.peakAmplitude(), 1.0);
        for (int second = 0; second < 20; second++) {
            double rms = rms(second * 8000, (second + 1) * 8000);
            assertTrue(rms > 500, "second " + second + " rms " + rms);
        }
    }

    @Test
    void loopSeamIsAsSmoothAsTheMusic() {
        int largestStep = 0;
        for (int i = 1; i < pcm.length; i++) {
            largestStep = Math.max(largestStep, Math.abs(pcm[i] - pcm[i - 1]));
        }
        int seamStep = Math.abs(pcm[0] - pcm[pcm.length - 1]);
        assertTrue(seamStep <= largestStep, "seam step " + seamStep + " vs largest " + largestStep);
        // and the level across the seam does not jump: the last and first 100 ms match
        double tail = rms(pcm.length - 800, pcm.length);
        double head = rms(0, 800);
        assertTrue(Math.abs(20 * Math.log10(head / tail)) < 6, "head " + head + " tail " + tail);
    }

    @Test
    void renderIsDeterministic() {
        assertArrayEquals(loop.widebandPcm(), HoldMusic.render());
    }

    @Test
    void staysInsideTheTelephoneBand() {
        // energy above 3.4 kHz: first difference emphasises highs; a clean mix keeps it small
        double diff = 0;
        double total = 0;
        for (int i = 1; i < pcm.length; i++) {
            double d = pcm[i] - pcm[i - 1];
            diff += d * d;
            total += (double) pcm[i] * pcm[i];
        }
        // for a pure tone f, the ratio is (2 sin(pi f / 8000))^2: 0.39 at 800 Hz, 3.8 at 3.4 kHz
        assertTrue(diff / total < 0.5, "high-frequency ratio " + diff / total);
    }

    @Test
    void custom8kHzWavStaysNarrowband(@TempDir Path dir) throws IOException {
        Path file = WavFiles.pcm16(dir.resolve("phone.wav"), 8000, WavFiles.sine(330, 8000, 1.0, 12000));
        EncodedAudio music = HoldMusic.fromWav(file);
        assertFalse(music.isWideband());
        assertEquals(50, music.frames());
    }

    @Test
    void customWavLoops(@TempDir Path dir) throws IOException {
        Path file = WavFiles.pcm16(dir.resolve("music.wav"), 22050, WavFiles.sine(330, 22050, 3.0, 12000));
        EncodedAudio music = HoldMusic.fromWav(file);
        assertEquals(150, music.frames());
        assertTrue(music.isWideband(), "22.05 kHz is kept wideband, at 16 kHz");
        assertFalse(music.isSilent());
        assertTrue(music.name().contains("music.wav"));
    }

    private double rms(int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) pcm[i] * pcm[i];
        }
        return Math.sqrt(sum / (to - from));
    }
}
