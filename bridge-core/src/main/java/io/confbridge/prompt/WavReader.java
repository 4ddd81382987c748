package io.confbridge.prompt;

import io.confbridge.codec.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a RIFF/WAVE file into mono 16-bit samples: at 8 kHz with {@link #read}, or, with
 * {@link #readKeepingWideband}, at 16 kHz when the file has wideband sound to keep (G.722 callers
 * hear it) and at 8 kHz otherwise. Accepted: linear PCM of 8 (unsigned), 16, 24 or 32 bits,
 * 32-bit IEEE float, µ-law (format 7) and A-law (format 6), also inside WAVE_FORMAT_EXTENSIBLE;
 * any channel count (averaged to mono); any sample rate (converted with {@link Resampler}'s
 * windowed-sinc low-pass interpolator). Chunks other than {@code fmt } and {@code data} are skipped.
 *
 * <p>Errors are {@link IOException}s whose message starts with the file's name and says what is
 * wrong, so that a bad prompt or hold-music file stops start-up with a clear reason.
 */
final class WavReader {

    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_FLOAT = 3;
    private static final int FORMAT_ALAW = 6;
    private static final int FORMAT_MULAW = 7;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    private WavReader() {
    }

    /**
     * Mono samples and their rate: {@link Resampler#WIDEBAND_RATE} or
     * {@link Resampler#NARROWBAND_RATE}.
     */
    record Audio(short[] samples, int rate) {

        /** Whether the samples are 16 kHz, for G.722's whole band. */
        boolean wideband() {
            return rate == Resampler.WIDEBAND_RATE;
        }

        /** Encodes the samples for every codec: the wideband way when they are 16 kHz. */
        EncodedAudio encode(String name) {
            return wideband() ? EncodedAudio.fromWidebandPcm(name, samples) : EncodedAudio.fromPcm(name, samples);
        }
    }

    /** Reads a WAV file to 8 kHz mono. */
    public static short[] read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString(), false).samples();
    }

    /**
     * Reads a WAV stream (a class-path resource, say) to 8 kHz mono; the stream is read to its
     * end but not closed.
     *
     * @param name the stream's name for error messages
     */
    public static short[] read(InputStream in, String name) throws IOException {
        return parse(in.readAllBytes(), name, false).samples();
    }

    /**
     * Reads a WAV file to mono, keeping its wideband sound: a file of 16 kHz or more becomes 16 kHz
     * (resampled if it is not exactly 16 kHz), anything slower 8 kHz as {@link #read} gives it, so an
     * operator's 8 kHz prompt stays bit for bit what was recorded. (11.025 or 12 kHz files would
     * bring only 1–2 kHz more; they are rare enough to stay narrowband.)
     */
    static Audio readKeepingWideband(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString(), true);
    }

    /** As {@link #readKeepingWideband(Path)}, from a stream read to its end but not closed. */
    static Audio readKeepingWideband(InputStream in, String name) throws IOException {
        return parse(in.readAllBytes(), name, true);
    }

    private static Audio parse(byte[] bytes, String name, boolean keepWideband) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || buf.getInt(0) != fourCc("RIFF") || buf.getInt(8) != fourCc("WAVE")) {
            throw new IOException(name + ": not a RIFF/WAVE file");
        }
        Format format = null;
        int position = 12;
        while (position + 8 <= bytes.length) {
            int id = buf.getInt(position);
            long size = buf.getInt(position + 4) & 0xFFFF_FFFFL;
            int body = position + 8;
            if (id == fourCc("fmt ")) {
                format = Format.parse(buf, body, size, name);
            } else if (id == fourCc("data")) {
                if (format == null) {
                    throw new IOException(name + ": data chunk before the fmt chunk");
                }
                // Streaming writers leave the size at 0 or 0xFFFFFFFF: take what is there.
                int end = size == 0 || body + size > bytes.length ? bytes.length : (int) (body + size);
                int rate = keepWideband && format.sampleRate >= Resampler.WIDEBAND_RATE
                        ? Resampler.WIDEBAND_RATE : Resampler.NARROWBAND_RATE;
                return new Audio(Resampler.to(format.decode(buf, body, end), format.sampleRate, rate), rate);
            }
            position = (int) Math.min(bytes.length, body + size + (size & 1)); // chunks are word aligned
        }
        throw new IOException(name + (format == null ? ": no fmt chunk" : ": no data chunk"));
    }

    private static int fourCc(String id) {
        return id.charAt(0) | id.charAt(1) << 8 | id.charAt(2) << 16 | id.charAt(3) << 24;
    }

    /** The fmt chunk (WAVEFORMATEX), reduced to what decoding needs. */
    private record Format(int tag, int channels, int sampleRate, int blockAlign, int bitsPerSample) {

        static Format parse(ByteBuffer buf, int at, long size, String name) throws IOException {
            if (size < 16 || at + 16 > buf.limit()) {
                throw new IOException(name + ": fmt chunk too short (" + size + " bytes)");
            }
            int tag = buf.getShort(at) & 0xFFFF;
            int channels = buf.getShort(at + 2) & 0xFFFF;
            int sampleRate = buf.getInt(at + 4);
            int blockAlign = buf.getShort(at + 12) & 0xFFFF;
            int bits = buf.getShort(at + 14) & 0xFFFF;
            if (tag == FORMAT_EXTENSIBLE) {
                if (size < 40 || at + 26 > buf.limit()) {
                    throw new IOException(name + ": WAVE_FORMAT_EXTENSIBLE without its sub-format");
                }
                tag = buf.getShort(at + 24) & 0xFFFF; // first two bytes of the sub-format GUID
            }
            if (channels < 1) {
                throw new IOException(name + ": " + channels + " channels");
            }
            if (sampleRate < 1000 || sampleRate > 384_000) {
                throw new IOException(name + ": unsupported sample rate " + sampleRate + " Hz");
            }
            boolean supported = switch (tag) {
                case FORMAT_PCM -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
                case FORMAT_FLOAT -> bits == 32;
                case FORMAT_ALAW, FORMAT_MULAW -> bits == 8;
                default -> false;
            };
            if (!supported) {
                throw new IOException(String.format("%s: unsupported WAV format (tag 0x%04X, %d bits); use "
                        + "PCM 8/16/24/32-bit, 32-bit float, µ-law or A-law", name, tag, bits));
            }
            int bytesPerSample = bits / 8;
            if (blockAlign < channels * bytesPerSample) {
                blockAlign = channels * bytesPerSample; // some writers leave it wrong; the layout is fixed
            }
            return new Format(tag, channels, sampleRate, blockAlign, bits);
        }

        /** Decodes [from, to) to mono samples on the 16-bit scale. */
        double[] decode(ByteBuffer buf, int from, int to) {
            int frames = (to - from) / blockAlign;
            int bytesPerSample = bitsPerSample / 8;
            double[] mono = new double[frames];
            for (int f = 0; f < frames; f++) {
                int frameStart = from + f * blockAlign;
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    sum += sample(buf, frameStart + c * bytesPerSample);
                }
                mono[f] = sum / channels;
            }
            return mono;
        }

        private double sample(ByteBuffer buf, int at) {
            return switch (tag) {
                case FORMAT_ALAW -> Codec.PCMA.decode(buf.get(at));
                case FORMAT_MULAW -> Codec.PCMU.decode(buf.get(at));
                case FORMAT_FLOAT -> Math.max(-1, Math.min(1, buf.getFloat(at))) * 32767.0;
                default -> switch (bitsPerSample) {
                    case 8 -> ((buf.get(at) & 0xFF) - 128) << 8;
                    case 16 -> buf.getShort(at);
                    case 24 -> ((buf.get(at + 2) << 16) | ((buf.get(at + 1) & 0xFF) << 8) | (buf.get(at) & 0xFF)) / 256.0;
                    default -> buf.getInt(at) / 65536.0;
                };
            };
        }
    }
}
