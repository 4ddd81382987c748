package io.confbridge.codec;

import org.junit.jupiter.api.Test;
import tomp2p.opuswrapper.Opus;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libopus through our binding: tones survive the round trip at the right frequency and level, the
 * bandwidth follows {@code maxplaybackrate}, lost frames are concealed or rebuilt from FEC, and packets
 * a hostile peer could send are refused or decoded without harm.
 */
class OpusCodecTest {
    private static final int FRAME = OpusEncoder.FRAME;
    private static final int RATE = 16_000;
    private static final double AMPLITUDE = 3277; // -20 dBFS peak
    private static final int WARM_UP = 10; // frames before the level has settled
    private static final int FRAMES = 50;

    @Test
    void libopusIsLoaded() {
        assertTrue(OpusNative.opus_get_version_string().startsWith("libopus "), OpusNative.opus_get_version_string());
    }

    /**
     * The decoder parses what strangers send: the distribution's libopus, which it keeps patched, runs
     * where there is one; the jar's 2015 copy only where there is none.
     */
    @Test
    void theSystemsLibopusIsPreferredToTheJarsCopy() {
        String system = java.util.Arrays.stream(OpusNative.SYSTEM_PATHS).filter(p -> new java.io.File(p).isFile())
                .findFirst().orElse(null);
        if (system != null) {
            assertEquals(system, OpusNative.PATH);
            assertTrue(!OpusLibrary.bundled());
        } else {
            assertTrue(OpusLibrary.bundled(), OpusNative.PATH);
        }
        assertTrue(OpusLibrary.description().startsWith("libopus ") && OpusLibrary.description().contains(OpusNative.PATH),
                OpusLibrary.description());
    }

    @Test
    void oneKilohertzToneKeepsItsFrequencyAndLevel() {
        assertToneSurvives(1000, new OpusEncoder());
    }

    /** 5 kHz is above what narrowband carries: the packets are wideband (SILK WB, TOC config 8–11). */
    @Test
    void fiveKilohertzToneSurvivesBecauseTheCodingIsWideband() {
        byte[][] packets = assertToneSurvives(5000, new OpusEncoder());
        int config = (packets[FRAMES - 1][0] & 0xFF) >>> 3;
        assertTrue(config >= 8 && config <= 11, "SILK wideband config expected, got " + config);
    }

    @Test
    void aNarrowbandPeerGetsNoFiveKilohertzButStillOneKilohertz() {
        try (OpusEncoder encoder = new OpusEncoder(); OpusDecoder decoder = new OpusDecoder()) {
            encoder.setMaxPlaybackRate(8000);
            short[] low = roundTrip(encoder, decoder, tone(1000, AMPLITUDE, FRAMES * FRAME), null);
            assertLevel(1000, low, 2.0);
            short[] high = roundTrip(encoder, decoder, tone(5000, AMPLITUDE, FRAMES * FRAME), null);
            double amplitude = goertzel(high, WARM_UP * FRAME, (FRAMES - WARM_UP) * FRAME, 5000);
            assertTrue(amplitude < AMPLITUDE / 100, "5 kHz at least 40 dB down, got amplitude " + amplitude);
            assertEquals(Opus.OPUS_BANDWIDTH_NARROWBAND, encoder.get(Opus.OPUS_GET_BANDWIDTH_REQUEST));
        }
    }

    @Test
    void aRestartedEncoderCodesAsAFreshOneWithItsSettings() {
        try (OpusEncoder encoder = new OpusEncoder(OpusEncoder.DEFAULT_BITRATE, 3, 0)) {
            encoder.setMaxPlaybackRate(12_000);
            encoder.restart(); // before the first frame: nothing to go back to, nothing changes
            byte[][] first = encodeTone(encoder, 700, 20);
            byte[][] other = encodeTone(encoder, 1300, 20); // a different history
            assertTrue(!Arrays.equals(first[0], other[0]), "a frame coded after history differs");
            encoder.restart();
            byte[][] again = encodeTone(encoder, 700, 20);
            for (int f = 0; f < first.length; f++) {
                assertTrue(Arrays.equals(first[f], again[f]), "frame " + f + " as the fresh encoder coded it");
            }
            assertEquals(3, encoder.complexity(), "the settings are kept");
        }
    }

    /** {@code frames} 20 ms frames of a tone from its phase 0, encoded. */
    private static byte[][] encodeTone(OpusEncoder encoder, double hz, int frames) {
        byte[][] packets = new byte[frames][];
        short[] pcm = new short[FRAME];
        byte[] out = new byte[1275];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < FRAME; i++) {
                pcm[i] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * (f * FRAME + i) / RATE));
            }
            packets[f] = Arrays.copyOf(out, encoder.encode(pcm, 0, out, 0, out.length));
        }
        return packets;
    }

    @Test
    void concealmentRightAfterAToneIsAFrameOfSound() {
        try (OpusEncoder encoder = new OpusEncoder(); OpusDecoder decoder = new OpusDecoder()) {
            roundTrip(encoder, decoder, tone(1000, AMPLITUDE, FRAMES * FRAME), null);
            short[] out = new short[3 * FRAME];
            Arrays.fill(out, (short) 12345);
            assertEquals(FRAME, decoder.conceal(out, FRAME, FRAME));
            assertTrue(rms(out, FRAME, FRAME) > AMPLITUDE / Math.sqrt(2) / 4,
                    "concealed frame within 12 dB of the tone: rms " + rms(out, FRAME, FRAME));
            assertEquals(12345, out[FRAME - 1]); // nothing written outside the frame
            assertEquals(12345, out[2 * FRAME]);
            assertEquals(3 * FRAME, decoder.conceal(out, 0, 3 * FRAME)); // 60 ms at once
        }
    }

    /**
     * A tone starts at frame 20 and frame 20 is lost: concealment has only the silence before to go on,
     * the next packet's FEC copy brings the start of the tone back.
     */
    @Test
    void fecRebuildsALostOnsetThatConcealmentCannot() {
        Loss loss = new Loss(20, 20);
        assertTrue(loss.concealed < loss.reference / 10, "PLC of silence is quiet: " + loss);
        assertWithinDb(loss.reference, loss.recovered, 1.0, "FEC frame energy " + loss);
        assertTrue(loss.recoveredError < loss.reference / 5, loss.toString());
    }

    /** In the middle of a tone both give sound; FEC's is much closer to what the lost packet carried. */
    @Test
    void fecRebuildsALostFrameCloserThanConcealment() {
        Loss loss = new Loss(20, 24);
        assertWithinDb(loss.reference, loss.recovered, 1.0, "FEC frame energy " + loss);
        assertTrue(loss.recoveredError < loss.concealedError / 5, loss.toString());
    }

    @Test
    void multiFramePacketDecodesWhereItFitsAndIsRefusedWhereNot() {
        try (OpusEncoder encoder = new OpusEncoder(); OpusDecoder decoder = new OpusDecoder()) {
            byte[] single = new byte[OpusPacket.MAX_FRAME_BYTES];
            int length = 0;
            short[] pcm = tone(1000, AMPLITUDE, FRAME);
            for (int i = 0; i < 5; i++) {
                length = encoder.encode(pcm, 0, single, 0, single.length);
            }
            // Code 3, CBR, three copies of the 20 ms frame: a 60 ms packet.
            byte[] triple = new byte[2 + 3 * (length - 1)];
            triple[0] = (byte) (single[0] | 3);
            triple[1] = 3;
            for (int i = 0; i < 3; i++) {
                System.arraycopy(single, 1, triple, 2 + i * (length - 1), length - 1);
            }
            assertEquals(Opus.OPUS_BUFFER_TOO_SMALL, decoder.decode(triple, 0, triple.length, new short[FRAME], 0));
            assertEquals(3 * FRAME, decoder.decode(triple, 0, triple.length, new short[4 * FRAME], FRAME));
        }
    }

    @Test
    void malformedPacketsAreRefusedBeforeLibopus() {
        try (OpusDecoder decoder = new OpusDecoder()) {
            short[] out = new short[OpusDecoder.MAX_SAMPLES];
            assertEquals(OpusPacket.INVALID, decoder.decode(new byte[1], 0, 0, out, 0)); // empty
            assertEquals(OpusPacket.INVALID, decoder.decode(new byte[] {(byte) 0x4B, 0}, 0, 2, out, 0)); // M = 0
            assertEquals(OpusPacket.INVALID, decoder.decode(new byte[] {(byte) 0x4B, 7}, 0, 2, out, 0)); // 140 ms
            byte[] big = new byte[OpusDecoder.MAX_PACKET_BYTES + 1];
            big[0] = (byte) 0x4B;
            big[1] = 1;
            assertEquals(OpusPacket.INVALID, decoder.decode(big, 0, big.length, out, 0)); // longer than an MTU
            assertEquals(OpusPacket.INVALID, decoder.decodeFec(new byte[] {(byte) 0x4B}, 0, 1, out, 0, FRAME));
        }
    }

    /**
     * Random bytes that pass the framing check reach libopus; whatever it makes of them, the JVM lives,
     * nothing is written beyond the room given, and the decoder keeps decoding real packets afterwards.
     */
    @Test
    void randomPacketsNeverHurt() {
        SplittableRandom random = new SplittableRandom(6716);
        try (OpusEncoder encoder = new OpusEncoder(); OpusDecoder decoder = new OpusDecoder()) {
            short[] out = new short[OpusDecoder.MAX_SAMPLES + 1];
            byte[] packet = new byte[OpusDecoder.MAX_PACKET_BYTES];
            int reachedLibopus = 0;
            for (int i = 0; i < 20_000; i++) {
                int length = 1 + random.nextInt(i % 10 == 0 ? packet.length : 200);
                for (int j = 0; j < length; j++) {
                    packet[j] = (byte) random.nextInt(256);
                }
                if (OpusPacket.validate(packet, 0, length) >= 0) {
                    reachedLibopus++;
                }
                out[OpusDecoder.MAX_SAMPLES] = 4242;
                int samples = i % 3 == 0
                        ? decoder.decodeFec(packet, 0, length, out, 0, FRAME)
                        : decoder.decode(packet, 0, length, out, 0);
                assertTrue(samples <= OpusDecoder.MAX_SAMPLES);
                assertEquals(4242, out[OpusDecoder.MAX_SAMPLES]);
            }
            assertTrue(reachedLibopus > 5_000, reachedLibopus + " of 20000 reached libopus");
            short[] tone = roundTrip(encoder, decoder, tone(1000, AMPLITUDE, FRAMES * FRAME), null);
            assertLevel(1000, tone, 2.0);
        }
    }

    @Test
    void closedCodecsRefuseWork() {
        OpusEncoder encoder = new OpusEncoder();
        OpusDecoder decoder = new OpusDecoder();
        encoder.close();
        encoder.close();
        decoder.close();
        decoder.close();
        assertThrows(IllegalStateException.class, () -> encoder.encode(new short[FRAME], 0, new byte[100], 0, 100));
        assertThrows(IllegalStateException.class, () -> decoder.decode(new byte[] {8}, 0, 1, new short[FRAME], 0));
        assertThrows(IllegalStateException.class, () -> decoder.conceal(new short[FRAME], 0, FRAME));
    }

    @Test
    void badArgumentsAreRefusedInJava() {
        try (OpusEncoder encoder = new OpusEncoder(); OpusDecoder decoder = new OpusDecoder()) {
            assertThrows(IndexOutOfBoundsException.class, () -> encoder.encode(new short[FRAME], 1, new byte[100], 0, 100));
            assertThrows(IndexOutOfBoundsException.class, () -> encoder.encode(new short[FRAME], 0, new byte[100], 1, 100));
            assertThrows(IllegalArgumentException.class, () -> decoder.conceal(new short[FRAME], 0, 100));
            assertThrows(IndexOutOfBoundsException.class, () -> decoder.conceal(new short[FRAME], 40, FRAME));
            assertThrows(IllegalStateException.class, () -> encoder.setComplexity(11)); // libopus: bad argument
        }
    }

    // --- helpers

    private static byte[][] assertToneSurvives(int hz, OpusEncoder encoder) {
        try (encoder; OpusDecoder decoder = new OpusDecoder()) {
            byte[][] packets = new byte[FRAMES][];
            short[] decoded = roundTrip(encoder, decoder, tone(hz, AMPLITUDE, FRAMES * FRAME), packets);
            assertLevel(hz, decoded, 2.0);
            return packets;
        }
    }

    /** After the warm-up the tone is at its level within {@code db}, and holds most of the energy. */
    private static void assertLevel(int hz, short[] decoded, double db) {
        int from = WARM_UP * FRAME;
        int n = decoded.length - from;
        double amplitude = goertzel(decoded, from, n, hz);
        assertWithinDb(AMPLITUDE, amplitude, db, hz + " Hz amplitude");
        double toneShare = (amplitude * amplitude / 2) / (rms(decoded, from, n) * rms(decoded, from, n));
        assertTrue(toneShare > 0.9, hz + " Hz holds " + toneShare + " of the energy");
    }

    private static short[] roundTrip(OpusEncoder encoder, OpusDecoder decoder, short[] input, byte[][] packets) {
        short[] out = new short[input.length];
        byte[] packet = new byte[OpusPacket.MAX_FRAME_BYTES];
        for (int at = 0; at < input.length; at += FRAME) {
            int length = encoder.encode(input, at, packet, 0, packet.length);
            assertTrue(length > 0 && length < 200, "packet of " + length + " bytes at 32 kbit/s");
            assertEquals(960, OpusPacket.validate(packet, 0, length));
            assertEquals(FRAME, decoder.decode(packet, 0, length, out, at));
            if (packets != null) {
                packets[at / FRAME] = Arrays.copyOf(packet, length);
            }
        }
        return out;
    }

    /**
     * Frame {@code lost} of a 1 kHz tone starting at frame {@code onset}, as decoded with every packet
     * (reference), rebuilt from the next packet's FEC, and concealed; RMS levels and RMS differences
     * from the reference.
     */
    private static final class Loss {
        final double reference;
        final double recovered;
        final double concealed;
        final double recoveredError;
        final double concealedError;

        Loss(int onset, int lost) {
            int frames = lost + 5;
            short[] input = new short[frames * FRAME];
            short[] tone = tone(1000, AMPLITUDE, (frames - onset) * FRAME);
            System.arraycopy(tone, 0, input, onset * FRAME, tone.length);
            short[] ref = new short[FRAME];
            short[] fec = new short[FRAME];
            short[] plc = new short[FRAME];
            try (OpusEncoder encoder = new OpusEncoder();
                 OpusDecoder all = new OpusDecoder();
                 OpusDecoder withFec = new OpusDecoder();
                 OpusDecoder withPlc = new OpusDecoder()) {
                byte[][] packets = new byte[frames][];
                byte[] packet = new byte[OpusPacket.MAX_FRAME_BYTES];
                for (int f = 0; f < frames; f++) {
                    packets[f] = Arrays.copyOf(packet, encoder.encode(input, f * FRAME, packet, 0, packet.length));
                }
                for (int f = 0; f <= lost; f++) {
                    all.decode(packets[f], 0, packets[f].length, ref, 0);
                    if (f < lost) {
                        withFec.decode(packets[f], 0, packets[f].length, fec, 0);
                        withPlc.decode(packets[f], 0, packets[f].length, plc, 0);
                    }
                }
                byte[] next = packets[lost + 1];
                assertEquals(FRAME, withFec.decodeFec(next, 0, next.length, fec, 0, FRAME));
                assertEquals(FRAME, withPlc.conceal(plc, 0, FRAME));
                // Both go on with the next packet as usual.
                short[] after = new short[FRAME];
                assertEquals(FRAME, withFec.decode(next, 0, next.length, after, 0));
            }
            reference = rms(ref, 0, FRAME);
            recovered = rms(fec, 0, FRAME);
            concealed = rms(plc, 0, FRAME);
            recoveredError = rmsDifference(ref, fec);
            concealedError = rmsDifference(ref, plc);
        }

        @Override
        public String toString() {
            return String.format("reference rms %.0f, FEC %.0f (off by %.0f), PLC %.0f (off by %.0f)",
                    reference, recovered, recoveredError, concealed, concealedError);
        }
    }

    static short[] tone(double hz, double amplitude, int samples) {
        short[] s = new short[samples];
        for (int i = 0; i < samples; i++) {
            s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / RATE));
        }
        return s;
    }

    /** The amplitude of the {@code hz} component over {@code n} samples (a whole number of cycles). */
    private static double goertzel(short[] s, int off, int n, double hz) {
        double coefficient = 2 * Math.cos(2 * Math.PI * hz / RATE);
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            double s0 = s[off + i] + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        return 2 * Math.sqrt(power) / n;
    }

    private static double rms(short[] s, int off, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) s[off + i] * s[off + i];
        }
        return Math.sqrt(sum / n);
    }

    private static double rmsDifference(short[] a, short[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum / a.length);
    }

    private static void assertWithinDb(double expected, double actual, double db, String what) {
        double diff = 20 * Math.log10(actual / expected);
        assertTrue(Math.abs(diff) <= db, what + ": " + String.format("%.2f dB off", diff));
    }
}
