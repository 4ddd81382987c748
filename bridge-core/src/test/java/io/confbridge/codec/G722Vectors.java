package io.confbridge.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The spandsp reference vectors of {@code src/test/resources/g722} (made by make_vectors.py). */
final class G722Vectors {
    static final int SAMPLES = 32_000;
    /** One 20 ms frame at 16 kHz, and its 160 encoded bytes. */
    static final int FRAME = 320;

    private G722Vectors() {
    }

    static short[] input() {
        return pcm("input.s16le");
    }

    static short[] decoded() {
        return pcm("decoded.s16le");
    }

    static byte[] encoded() {
        byte[] bytes = bytes("encoded.g722");
        if (bytes.length != SAMPLES / 2) {
            throw new IllegalStateException("encoded.g722: " + bytes.length + " bytes");
        }
        return bytes;
    }

    private static short[] pcm(String name) {
        byte[] bytes = bytes(name);
        short[] pcm = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
        if (pcm.length != SAMPLES) {
            throw new IllegalStateException(name + ": " + pcm.length + " samples");
        }
        return pcm;
    }

    private static byte[] bytes(String name) {
        try (InputStream in = G722Vectors.class.getResourceAsStream("/g722/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource g722/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
