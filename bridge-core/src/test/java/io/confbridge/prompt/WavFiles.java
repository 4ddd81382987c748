package io.confbridge.prompt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes WAV files for tests, byte by byte as the RIFF/WAVE layout prescribes. */
final class WavFiles {

    private WavFiles() {
    }

    static Path pcm16(Path file, int rate, short[]... channels) throws IOException {
        int frames = channels[0].length;
        ByteBuffer data = ByteBuffer.allocate(frames * channels.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            for (short[] channel : channels) {
                data.putShort(channel[i]);
            }
        }
        return write(file, 1, channels.length, rate, 16, data.array(), false);
    }

    /**
     * A WAV with the given fmt fields and raw data; {@code extras} puts a LIST chunk before the
     * data, which a reader must skip.
     */
    static Path write(Path file, int formatTag, int channels, int rate, int bits, byte[] data, boolean extras)
            throws IOException {
        byte[] list = "LIST\u0005\u0000\u0000\u0000INFOx\u0000".getBytes(StandardCharsets.ISO_8859_1); // odd size + pad
        int size = 4 + 24 + (extras ? list.length : 0) + 8 + data.length;
        ByteBuffer buf = ByteBuffer.allocate(8 + size).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(ascii("RIFF")).putInt(size).put(ascii("WAVE"));
        buf.put(ascii("fmt ")).putInt(16).putShort((short) formatTag).putShort((short) channels)
                .putInt(rate).putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8))
                .putShort((short) bits);
        if (extras) {
            buf.put(list);
        }
        buf.put(ascii("data")).putInt(data.length).put(data);
        Files.write(file, buf.array());
        return file;
    }

    static short[] sine(double frequency, int rate, double seconds, double amplitude) {
        short[] samples = new short[(int) Math.round(rate * seconds)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * frequency * i / rate));
        }
        return samples;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
