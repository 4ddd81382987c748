package io.confbridge.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class G711Test {

    @Test
    void ulawDecodesReferenceValues() {
        assertEquals(0, G711.ulawToLinear((byte) 0xFF));
        assertEquals(0, G711.ulawToLinear((byte) 0x7F));
        assertEquals(-32124, G711.ulawToLinear((byte) 0x00));
        assertEquals(32124, G711.ulawToLinear((byte) 0x80));
        assertEquals(8, G711.ulawToLinear((byte) 0xFE));
        assertEquals(-8, G711.ulawToLinear((byte) 0x7E));
        assertEquals(132, G711.ulawToLinear((byte) 0xEF));
    }

    @Test
    void alawDecodesReferenceValues() {
        assertEquals(8, G711.alawToLinear((byte) 0xD5));
        assertEquals(-8, G711.alawToLinear((byte) 0x55));
        assertEquals(32256, G711.alawToLinear((byte) 0xAA));
        assertEquals(-32256, G711.alawToLinear((byte) 0x2A));
        assertEquals(24, G711.alawToLinear((byte) 0xD4));
    }

    @Test
    void ulawEncodesReferenceValues() {
        assertEquals((byte) 0xFF, G711.linearToUlaw((short) 0));
        assertEquals((byte) 0x00, G711.linearToUlaw((short) -32124));
        assertEquals((byte) 0x80, G711.linearToUlaw((short) 32124));
        // beyond the µ-law range the encoder clips to the outermost code
        assertEquals((byte) 0x80, G711.linearToUlaw(Short.MAX_VALUE));
        assertEquals((byte) 0x00, G711.linearToUlaw(Short.MIN_VALUE));
    }

    @Test
    void alawEncodesReferenceValues() {
        assertEquals((byte) 0xD5, G711.linearToAlaw((short) 0));
        assertEquals((byte) 0xD5, G711.linearToAlaw((short) 8));
        assertEquals((byte) 0x55, G711.linearToAlaw((short) -8));
        assertEquals((byte) 0xAA, G711.linearToAlaw(Short.MAX_VALUE));
        assertEquals((byte) 0x2A, G711.linearToAlaw(Short.MIN_VALUE));
    }

    @Test
    void ulawRoundTripsEveryCodeExceptNegativeZero() {
        for (int code = 0; code < 256; code++) {
            byte b = (byte) code;
            byte expected = code == 0x7F ? (byte) 0xFF : b; // 0x7F is "-0": it decodes to 0, which encodes as 0xFF
            assertEquals(expected, G711.linearToUlaw(G711.ulawToLinear(b)), "code 0x" + Integer.toHexString(code));
        }
    }

    @Test
    void alawRoundTripsEveryCode() {
        for (int code = 0; code < 256; code++) {
            byte b = (byte) code;
            assertEquals(b, G711.linearToAlaw(G711.alawToLinear(b)), "code 0x" + Integer.toHexString(code));
        }
    }

    @Test
    void tablesAgreeWithIndependentReferenceEncoderForEverySample() {
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            assertEquals(ReferenceG711.linear2ulaw(x), G711.linearToUlaw((short) x) & 0xFF, "µ-law of " + x);
            assertEquals(ReferenceG711.linear2alaw(x), G711.linearToAlaw((short) x) & 0xFF, "A-law of " + x);
        }
    }

    @Test
    void quantisationIsMonotonic() {
        for (Codec codec : new Codec[] {Codec.PCMU, Codec.PCMA}) {
            int previous = Integer.MIN_VALUE;
            for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
                int y = codec.decode(codec.encode((short) x));
                assertTrue(y >= previous, codec + " not monotonic at " + x);
                previous = y;
            }
        }
    }

    @Test
    void quantisationErrorStaysWithinHalfASegmentStep() {
        for (Codec codec : new Codec[] {Codec.PCMU, Codec.PCMA}) {
            for (int x = -32000; x <= 32000; x++) {
                int y = codec.decode(codec.encode((short) x));
                // step size at |x| is at most |x|/16 (4 mantissa bits) plus the smallest step near zero
                int bound = Math.abs(x) / 16 + 16;
                assertTrue(Math.abs(y - x) <= bound, codec + ": " + x + " -> " + y);
            }
        }
    }

    @Test
    void oneKilohertzSineRoundTripsAbove30DbSnr() {
        for (Codec codec : new Codec[] {Codec.PCMU, Codec.PCMA}) {
            double signal = 0;
            double noise = 0;
            for (int n = 0; n < Codec.CLOCK_RATE; n++) {
                short x = (short) Math.round(0.5 * Short.MAX_VALUE * Math.sin(2 * Math.PI * 1000 * n / Codec.CLOCK_RATE + 0.3));
                short y = codec.decode(codec.encode(x));
                signal += (double) x * x;
                noise += (double) (x - y) * (x - y);
            }
            double snrDb = 10 * Math.log10(signal / noise);
            assertTrue(snrDb > 30, codec + " SNR " + snrDb + " dB");
        }
    }

    @Test
    void silenceIsTheCodeOfZero() {
        assertEquals((byte) 0xFF, Codec.PCMU.silenceFrame()[0]);
        assertEquals((byte) 0xD5, Codec.PCMA.silenceFrame()[0]);
    }

    /**
     * Sun Microsystems' public-domain g711.c in its 14-bit form (as in SoX and many PBXs), written
     * independently of {@link G711}'s 16-bit table builder: a second opinion on every table entry.
     */
    private static final class ReferenceG711 {
        private static final int[] SEG_UEND = {0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF};
        private static final int[] SEG_AEND = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};

        static int linear2ulaw(int pcm) {
            pcm >>= 2;
            int mask;
            if (pcm < 0) {
                pcm = -pcm;
                mask = 0x7F;
            } else {
                mask = 0xFF;
            }
            pcm = Math.min(pcm, 8159) + 33;
            int seg = search(pcm, SEG_UEND);
            if (seg >= 8) {
                return 0x7F ^ mask;
            }
            return ((seg << 4) | ((pcm >> (seg + 1)) & 0xF)) ^ mask;
        }

        static int linear2alaw(int pcm) {
            pcm >>= 3;
            int mask;
            if (pcm >= 0) {
                mask = 0xD5;
            } else {
                mask = 0x55;
                pcm = -pcm - 1;
            }
            int seg = search(pcm, SEG_AEND);
            if (seg >= 8) {
                return 0x7F ^ mask;
            }
            int aval = seg << 4;
            aval |= seg < 2 ? (pcm >> 1) & 0xF : (pcm >> seg) & 0xF;
            return aval ^ mask;
        }

        private static int search(int value, int[] table) {
            for (int i = 0; i < table.length; i++) {
                if (value <= table[i]) {
                    return i;
                }
            }
            return table.length;
        }
    }
}
