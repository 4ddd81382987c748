package io.confbridge.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.confbridge.codec.Codec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavReaderTest {

    @TempDir
    Path dir;

    @Test
    void reads8kMono16BitUnchanged() throws IOException {
        short[] samples = {0, 1, -1, 32767, -32768, 1234, -4321};
        short[] read = WavReader.read(WavFiles.pcm16(dir.resolve("a.wav"), 8000, samples));
        assertArrayEquals(samples, read);
    }

    @Test
    void skipsUnknownChunksWithOddSizes() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 5).putShort((short) -7);
        Path file = WavFiles.write(dir.resolve("list.wav"), 1, 1, 8000, 16, data.array(), true);
        assertArrayEquals(new short[] {5, -7}, WavReader.read(file));
    }

    @Test
    void downsamples16kHzKeepingAToneInTheVoiceBand() throws IOException {
        short[] tone = WavFiles.sine(1000, 16000, 1.0, 10000);
        short[] read = WavReader.read(WavFiles.pcm16(dir.resolve("16k.wav"), 16000, tone));
        assertEquals(8000, read.length, 1);
        assertToneAt(read, 1000, 10000);
    }

    @Test
    void downsamplesAndDownmixes44kStereo() throws IOException {
        short[] left = WavFiles.sine(440, 44100, 1.0, 8000);
        short[] right = WavFiles.sine(440, 44100, 1.0, 8000);
        short[] read = WavReader.read(WavFiles.pcm16(dir.resolve("cd.wav"), 44100, left, right));
        assertEquals(8000, read.length, 1);
        assertToneAt(read, 440, 8000);

        short[] inverted = new short[right.length];
        for (int i = 0; i < right.length; i++) {
            inverted[i] = (short) -right[i];
        }
        short[] cancelled = WavReader.read(WavFiles.pcm16(dir.resolve("phase.wav"), 44100, left, inverted));
        assertTrue(rms(cancelled, 0, cancelled.length) < 1, "opposite channels average to silence");
    }

    @Test
    void removesContentAboveTheNewNyquistInsteadOfAliasingIt() throws IOException {
        // 6 kHz cannot exist at 8 kHz; without a low-pass it would fold down to 2 kHz.
        short[] high = WavFiles.sine(6000, 44100, 1.0, 10000);
        short[] read = WavReader.read(WavFiles.pcm16(dir.resolve("high.wav"), 44100, high));
        double residue = rms(read, 200, read.length - 200);
        assertTrue(residue < 10000 / Math.sqrt(2) * 0.01, "6 kHz residue rms " + residue);
    }

    @Test
    void upsamplesLowRates() throws IOException {
        short[] tone = WavFiles.sine(500, 6000, 1.0, 9000);
        short[] read = WavReader.read(WavFiles.pcm16(dir.resolve("6k.wav"), 6000, tone));
        assertEquals(8000, read.length, 2);
        assertToneAt(read, 500, 9000);
    }

    @Test
    void keepsA16kHzFileWidebandAsItIs() throws IOException {
        short[] tone = WavFiles.sine(6000, 16000, 1.0, 10000);
        WavReader.Audio read = WavReader.readKeepingWideband(WavFiles.pcm16(dir.resolve("16k.wav"), 16000, tone));
        assertTrue(read.wideband());
        assertEquals(16000, read.rate());
        assertArrayEquals(tone, read.samples());
    }

    @Test
    void resamplesA44kFileTo16kHzKeepingWhatG722Carries() throws IOException {
        short[] left = WavFiles.sine(5000, 44100, 1.0, 8000);
        short[] right = WavFiles.sine(5000, 44100, 1.0, 8000);
        WavReader.Audio read = WavReader.readKeepingWideband(WavFiles.pcm16(dir.resolve("cd.wav"), 44100, left, right));
        assertTrue(read.wideband());
        assertEquals(16000, read.samples().length, 1);
        assertToneAt(read.samples(), 16000, 5000, 8000);

        // 10 kHz cannot exist at 16 kHz; without a low-pass it would fold down to 6 kHz.
        short[] high = WavFiles.sine(10000, 44100, 1.0, 10000);
        short[] wide = WavReader.readKeepingWideband(WavFiles.pcm16(dir.resolve("high.wav"), 44100, high)).samples();
        double residue = rms(wide, 200, wide.length - 200);
        assertTrue(residue < 10000 / Math.sqrt(2) * 0.01, "10 kHz residue rms " + residue);
    }

    @Test
    void keepsAn8kHzFileNarrowbandAsItIs() throws IOException {
        short[] tone = WavFiles.sine(1000, 8000, 0.5, 10000);
        WavReader.Audio read = WavReader.readKeepingWideband(WavFiles.pcm16(dir.resolve("8k.wav"), 8000, tone));
        assertFalse(read.wideband());
        assertEquals(8000, read.rate());
        assertArrayEquals(tone, read.samples());
        // between the two rates: narrowband, at 8 kHz
        short[] slow = WavFiles.sine(1000, 11025, 0.5, 10000);
        WavReader.Audio eleven = WavReader.readKeepingWideband(WavFiles.pcm16(dir.resolve("11k.wav"), 11025, slow));
        assertFalse(eleven.wideband());
        assertEquals(4000, eleven.samples().length, 1);
    }

    @Test
    void wideband8kAnd16kFilesEncodeTheirOwnWay() throws IOException {
        Path narrow = WavFiles.pcm16(dir.resolve("n.wav"), 8000, WavFiles.sine(1000, 8000, 0.1, 1000));
        Path wide = WavFiles.pcm16(dir.resolve("w.wav"), 48000, WavFiles.sine(1000, 48000, 0.1, 1000));
        assertFalse(WavReader.readKeepingWideband(narrow).encode("n").isWideband());
        EncodedAudio clip = WavReader.readKeepingWideband(wide).encode("w");
        assertTrue(clip.isWideband());
        assertEquals(5, clip.frames());
    }

    @Test
    void keepingWidebandReportsBadFilesByName() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.wav"), "ID3 this is an mp3 really");
        IOException e = assertThrows(IOException.class, () -> WavReader.readKeepingWideband(text));
        assertTrue(e.getMessage().startsWith(text.toString()), e.getMessage());
        Path mp3 = WavFiles.write(dir.resolve("music.wav"), 0x55, 2, 44100, 0, new byte[16], false);
        e = assertThrows(IOException.class,
                () -> WavReader.readKeepingWideband(new ByteArrayInputStream(Files.readAllBytes(mp3)), "stream.wav"));
        assertTrue(e.getMessage().startsWith("stream.wav") && e.getMessage().contains("0x0055"), e.getMessage());
    }

    @Test
    void readsEightBitUnsigned() throws IOException {
        byte[] data = {(byte) 128, (byte) 255, 0, (byte) 192};
        short[] read = WavReader.read(WavFiles.write(dir.resolve("u8.wav"), 1, 1, 8000, 8, data, false));
        assertArrayEquals(new short[] {0, 127 << 8, -128 << 8, 64 << 8}, read);
    }

    @Test
    void readsMuLawAndALaw() throws IOException {
        byte[] codes = new byte[256];
        for (int i = 0; i < 256; i++) {
            codes[i] = (byte) i;
        }
        short[] mulaw = WavReader.read(WavFiles.write(dir.resolve("mulaw.wav"), 7, 1, 8000, 8, codes, false));
        short[] alaw = WavReader.read(WavFiles.write(dir.resolve("alaw.wav"), 6, 1, 8000, 8, codes, true));
        for (int i = 0; i < 256; i++) {
            assertEquals(Codec.PCMU.decode((byte) i), mulaw[i]);
            assertEquals(Codec.PCMA.decode((byte) i), alaw[i]);
        }
    }

    @Test
    void readsFloatAnd24Bit() throws IOException {
        ByteBuffer floats = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(-1.0f);
        assertArrayEquals(new short[] {16384, -32767},
                WavReader.read(WavFiles.write(dir.resolve("f.wav"), 3, 1, 8000, 32, floats.array(), false)));
        byte[] s24 = {0x00, 0x10, 0x20, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertArrayEquals(new short[] {0x2010, 0},
                WavReader.read(WavFiles.write(dir.resolve("s24.wav"), 1, 1, 8000, 24, s24, false)));
    }

    @Test
    void unsupportedFormatIsNamedWithTheFile() throws IOException {
        Path mp3 = WavFiles.write(dir.resolve("music.wav"), 0x55, 2, 44100, 0, new byte[16], false);
        IOException e = assertThrows(IOException.class, () -> WavReader.read(mp3));
        assertTrue(e.getMessage().contains(mp3.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("0x0055"), e.getMessage());
    }

    @Test
    void notAWavFileIsNamed() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.wav"), "ID3 this is an mp3 really");
        IOException e = assertThrows(IOException.class, () -> WavReader.read(text));
        assertTrue(e.getMessage().startsWith(text.toString()), e.getMessage());
        IOException empty = assertThrows(IOException.class,
                () -> WavReader.read(new ByteArrayInputStream(new byte[0]), "stream.wav"));
        assertTrue(empty.getMessage().contains("stream.wav"));
    }

    @Test
    void missingDataChunkIsReported() throws IOException {
        Path file = WavFiles.write(dir.resolve("nodata.wav"), 1, 1, 8000, 16, new byte[0], false);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 8)); // drop the data chunk header
        IOException e = assertThrows(IOException.class, () -> WavReader.read(file));
        assertTrue(e.getMessage().contains("no data chunk"), e.getMessage());
    }

    /** Asserts the 8 kHz signal is a tone of the given frequency and peak amplitude (±5 %). */
    private static void assertToneAt(short[] samples, double frequency, double amplitude) {
        assertToneAt(samples, 8000, frequency, amplitude);
    }

    /** Asserts the signal is a tone of the given frequency and peak amplitude (±5 %). */
    private static void assertToneAt(short[] samples, int rate, double frequency, double amplitude) {
        // Correlate with quadrature references, away from the edges.
        int from = rate / 20;
        int to = samples.length - rate / 20;
        double measured = Tone.amplitude(samples, rate, frequency, from, to);
        assertEquals(amplitude, measured, amplitude * 0.05, "tone amplitude at " + frequency + " Hz");
        double total = rms(samples, from, to) * Math.sqrt(2);
        assertEquals(measured, total, amplitude * 0.05, "all energy at " + frequency + " Hz");
    }

    private static double rms(short[] samples, int from, int to) {
        double sum = 0;
        for (int n = from; n < to; n++) {
            sum += (double) samples[n] * samples[n];
        }
        return Math.sqrt(sum / (to - from));
    }
}
