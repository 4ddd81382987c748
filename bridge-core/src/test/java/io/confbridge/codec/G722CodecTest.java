package io.confbridge.codec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * G.722 against libspandsp's output for the same input (sweep, tones with 5 kHz, speech-like bursts,
 * clipped full scale, silence), byte for byte and sample for sample; and the ways of calling the codec
 * (whole signal, 20 ms frames, bands separately, a copied state) agree with each other.
 */
class G722CodecTest {
    private static final int FRAME = G722Vectors.FRAME;
    private static final int PAIRS = FRAME / 2;

    @Test
    void encoderMatchesSpandspByteForByte() {
        short[] input = G722Vectors.input();
        byte[] out = new byte[input.length / 2];
        new G722Encoder().encode(input, 0, input.length, out, 0);
        assertSameBytes(G722Vectors.encoded(), out);
    }

    @Test
    void decoderMatchesSpandspSampleForSampleSaturatingWhereItWraps() {
        byte[] encoded = G722Vectors.encoded();
        short[] out = new short[encoded.length * 2];
        new G722Decoder().decode(encoded, 0, encoded.length, out, 0);
        assertSameSamples(expectedDecoded(), out);
    }

    /**
     * The subbands are bit-exact: a plain QMF over decodeBands' output, wrapped to 16 bits as
     * libspandsp 0.0.6 does, reproduces decoded.s16le everywhere. Where that plain value overflows
     * 16 bits (the clipped full-scale part only), our decoder saturates instead of wrapping.
     */
    @Test
    void bandsAreExactAndOnlyOverflowingSamplesDifferFromSpandsp() {
        byte[] encoded = G722Vectors.encoded();
        int[] low = new int[encoded.length];
        int[] high = new int[encoded.length];
        new G722Decoder().decodeBands(encoded, 0, encoded.length, low, high);
        long[] exact = ReferenceQmf.synthesise(low, high);
        short[] spandsp = G722Vectors.decoded();
        short[] ours = new short[exact.length];
        new G722Decoder().decode(encoded, 0, encoded.length, ours, 0);
        int overflowing = 0;
        for (int i = 0; i < exact.length; i++) {
            assertEquals(spandsp[i], (short) exact[i], "sample " + i + ": spandsp's wrapped value");
            long saturated = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, exact[i]));
            assertEquals(saturated, ours[i], "sample " + i);
            if (saturated != exact[i]) {
                overflowing++;
                // The clipped part, 1.1-1.4 s, plus the codec delay of the two QMFs (23 samples).
                assertBetween(16_000 * 11 / 10, 16_000 * 14 / 10 + 23, i);
            }
        }
        assertEquals(805, overflowing, "samples where spandsp 0.0.6 wraps and we saturate");
    }

    @Test
    void twentyMillisecondFramesEncodeAndDecodeAsTheWholeSignal() {
        short[] input = G722Vectors.input();
        G722Encoder encoder = new G722Encoder();
        byte[] framed = new byte[input.length / 2];
        for (int at = 0; at < input.length; at += FRAME) {
            encoder.encode(input, at, FRAME, framed, at / 2);
        }
        assertSameBytes(G722Vectors.encoded(), framed);

        G722Decoder decoder = new G722Decoder();
        short[] decoded = new short[input.length];
        for (int at = 0; at < framed.length; at += PAIRS) {
            decoder.decode(framed, at, PAIRS, decoded, 2 * at);
        }
        assertSameSamples(expectedDecoded(), decoded);
    }

    @Test
    void oddFrameSizesToo() {
        // Lengths that are not multiples of the encoder's internal chunk, nor of each other.
        short[] input = G722Vectors.input();
        G722Encoder encoder = new G722Encoder();
        byte[] out = new byte[input.length / 2];
        int[] sizes = {2, 334, 1000, 6, 642};
        int at = 0;
        for (int k = 0; at < input.length; k++) {
            int n = Math.min(sizes[k % sizes.length], input.length - at);
            encoder.encode(input, at, n, out, at / 2);
            at += n;
        }
        assertSameBytes(G722Vectors.encoded(), out);
    }

    @Test
    void encodeIsAnalysisThenEncodeBands() {
        short[] input = G722Vectors.input();
        SubbandAnalysis analysis = new SubbandAnalysis();
        G722Encoder encoder = new G722Encoder();
        int[] low = new int[PAIRS];
        int[] high = new int[PAIRS];
        byte[] out = new byte[input.length / 2];
        for (int at = 0; at < input.length; at += FRAME) {
            analysis.analyse(input, at, PAIRS, low, high);
            encoder.encodeBands(low, high, PAIRS, out, at / 2);
        }
        assertSameBytes(G722Vectors.encoded(), out);
    }

    @Test
    void theLowerBandAloneIsTheLowerBandOfBoth() {
        byte[] encoded = G722Vectors.encoded();
        int[] low = new int[encoded.length];
        int[] high = new int[encoded.length];
        new G722Decoder().decodeBands(encoded, 0, encoded.length, low, high);
        int[] alone = new int[encoded.length];
        int[] frame = new int[PAIRS];
        G722Decoder again = new G722Decoder();
        for (int at = 0; at < encoded.length; at += PAIRS) {
            again.decodeLowBand(encoded, at, PAIRS, frame);
            System.arraycopy(frame, 0, alone, at, PAIRS);
        }
        assertArrayEquals(low, alone);
    }

    @Test
    void decodeIsDecodeBandsThenSynthesis() {
        byte[] encoded = G722Vectors.encoded();
        G722Decoder decoder = new G722Decoder();
        SubbandSynthesis synthesis = new SubbandSynthesis();
        int[] low = new int[PAIRS];
        int[] high = new int[PAIRS];
        short[] out = new short[encoded.length * 2];
        for (int at = 0; at < encoded.length; at += PAIRS) {
            decoder.decodeBands(encoded, at, PAIRS, low, high);
            for (int i = 0; i < PAIRS; i++) {
                assertBetween(-16384, 16383, low[i]);
                assertBetween(-16384, 16383, high[i]);
            }
            synthesis.synthesise(low, high, PAIRS, out, 2 * at);
        }
        assertSameSamples(expectedDecoded(), out);
    }

    @Test
    void copiedEncoderContinuesExactly() {
        short[] input = G722Vectors.input();
        byte[] expected = G722Vectors.encoded();
        G722Encoder shared = new G722Encoder();
        G722Encoder other = new G722Encoder();
        byte[] out = new byte[input.length / 2];
        // Some state worth copying first: dirty the copy target so stale state would show.
        other.encode(input, 20_000, 4 * FRAME, new byte[2 * FRAME], 0);
        int split = 17 * FRAME; // inside the speech-like bursts
        shared.encode(input, 0, split, out, 0);
        other.copyFrom(shared);
        other.encode(input, split, input.length - split, out, split / 2);
        assertSameBytes(expected, out);

        // And the shared one, unaffected by the copy, continues identically too.
        byte[] rest = new byte[(input.length - split) / 2];
        shared.encode(input, split, input.length - split, rest, 0);
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, split / 2, expected.length), rest);
    }

    @Test
    void copiedDecoderContinuesExactly() {
        byte[] encoded = G722Vectors.encoded();
        G722Decoder first = new G722Decoder();
        G722Decoder second = new G722Decoder();
        second.decode(encoded, 9_000, 3 * PAIRS, new short[6 * PAIRS], 0);
        short[] out = new short[encoded.length * 2];
        int split = 53 * PAIRS; // inside the clipped part
        first.decode(encoded, 0, split, out, 0);
        second.copyFrom(first);
        second.decode(encoded, split, encoded.length - split, out, 2 * split);
        assertSameSamples(expectedDecoded(), out);
    }

    @Test
    void resetStartsOver() {
        short[] input = G722Vectors.input();
        G722Encoder encoder = new G722Encoder();
        encoder.encode(input, 5_000, 2 * FRAME, new byte[FRAME], 0);
        encoder.reset();
        byte[] out = new byte[input.length / 2];
        encoder.encode(input, 0, input.length, out, 0);
        assertSameBytes(G722Vectors.encoded(), out);

        byte[] encoded = G722Vectors.encoded();
        G722Decoder decoder = new G722Decoder();
        decoder.decode(encoded, 3_000, PAIRS, new short[FRAME], 0);
        decoder.reset();
        short[] pcm = new short[input.length];
        decoder.decode(encoded, 0, encoded.length, pcm, 0);
        assertSameSamples(expectedDecoded(), pcm);
    }

    @Test
    void oddSampleCountIsRefused() {
        G722Encoder encoder = new G722Encoder();
        try {
            encoder.encode(new short[3], 0, 3, new byte[2], 0);
            fail("3 samples accepted");
        } catch (IllegalArgumentException expected) {
            // a pair is the unit of G.722
        }
    }

    /** The receive QMF written plainly (shifted history, 64-bit sums, no limiting). */
    private static final class ReferenceQmf {
        static long[] synthesise(int[] low, int[] high) {
            int[] c = Qmf.COEFFS;
            long[] x = new long[24];
            long[] out = new long[2 * low.length];
            for (int j = 0; j < low.length; j++) {
                System.arraycopy(x, 2, x, 0, 22);
                x[22] = low[j] + high[j];
                x[23] = low[j] - high[j];
                long out1 = 0;
                long out2 = 0;
                for (int i = 0; i < 12; i++) {
                    out2 += x[2 * i] * c[i];
                    out1 += x[2 * i + 1] * c[11 - i];
                }
                out[2 * j] = out1 >> 11;
                out[2 * j + 1] = out2 >> 11;
            }
            return out;
        }
    }

    private static void assertBetween(int lo, int hi, int v) {
        if (v < lo || v > hi) {
            fail(v + " outside [" + lo + ", " + hi + "]");
        }
    }

    /** Equal arrays, or a message naming the first difference (and the part of the input it is in). */
    private static void assertSameBytes(byte[] expected, byte[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                fail(String.format("byte %d (t = %.4f s) differs: expected 0x%02x, got 0x%02x", i,
                        i / 8000.0, expected[i] & 0xFF, actual[i] & 0xFF));
            }
        }
    }

    /** spandsp's decoded output with its 805 wrapped samples saturated instead (see above). */
    private static short[] expectedDecoded() {
        byte[] encoded = G722Vectors.encoded();
        int[] low = new int[encoded.length];
        int[] high = new int[encoded.length];
        new G722Decoder().decodeBands(encoded, 0, encoded.length, low, high);
        long[] exact = ReferenceQmf.synthesise(low, high);
        short[] spandsp = G722Vectors.decoded();
        short[] expected = new short[spandsp.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = exact[i] == (short) exact[i] ? spandsp[i] : (short) (exact[i] > 0 ? Short.MAX_VALUE : Short.MIN_VALUE);
        }
        return expected;
    }

    private static void assertSameSamples(short[] expected, short[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                fail(String.format("sample %d (t = %.4f s) differs: expected %d, got %d", i,
                        i / 16000.0, expected[i], actual[i]));
            }
        }
    }
}
