package io.confbridge.codec;

/**
 * ITU-T G.711 µ-law and A-law, table driven: decoding is one array load, encoding one array load
 * indexed by the top 14 bits of the linear sample. Tables are built once at class load.
 */
final class G711 {
    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];
    /** Indexed by the 16-bit sample shifted right by 2 (signed 14 bits, offset to be non-negative). */
    private static final byte[] LINEAR_TO_ULAW = new byte[1 << 14];
    private static final byte[] LINEAR_TO_ALAW = new byte[1 << 14];

    static {
        for (int i = 0; i < 256; i++) {
            ULAW_TO_LINEAR[i] = decodeUlaw((byte) i);
            ALAW_TO_LINEAR[i] = decodeAlaw((byte) i);
        }
        for (int i = 0; i < (1 << 14); i++) {
            short linear = (short) ((i - (1 << 13)) << 2);
            LINEAR_TO_ULAW[i] = encodeUlaw(linear);
            LINEAR_TO_ALAW[i] = encodeAlaw(linear);
        }
    }

    private G711() {
    }

    public static short ulawToLinear(byte encoded) {
        return ULAW_TO_LINEAR[encoded & 0xFF];
    }

    public static short alawToLinear(byte encoded) {
        return ALAW_TO_LINEAR[encoded & 0xFF];
    }

    public static byte linearToUlaw(short linear) {
        return LINEAR_TO_ULAW[(linear >> 2) + (1 << 13)];
    }

    public static byte linearToAlaw(short linear) {
        return LINEAR_TO_ALAW[(linear >> 2) + (1 << 13)];
    }

    // Reference algorithms (Sun's g711.c, public domain), used only to fill the tables.

    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;

    private static byte encodeUlaw(short sample) {
        int pcm = sample;
        int sign = (pcm >> 8) & 0x80;
        if (sign != 0) {
            pcm = -pcm;
        }
        if (pcm > CLIP) {
            pcm = CLIP;
        }
        pcm += BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (pcm & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    private static short decodeUlaw(byte encoded) {
        int u = ~encoded & 0xFF;
        int t = ((u & 0x0F) << 3) + BIAS;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? (BIAS - t) : (t - BIAS));
    }

    private static byte encodeAlaw(short sample) {
        int pcm = sample >> 3;
        int mask;
        if (pcm >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        int seg = 0;
        int[] segEnd = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};
        int p = pcm;
        while (seg < 8 && p > segEnd[seg]) {
            seg++;
        }
        if (seg >= 8) {
            return (byte) (0x7F ^ mask);
        }
        int aval = seg << 4;
        if (seg < 2) {
            aval |= (p >> 1) & 0x0F;
        } else {
            aval |= (p >> seg) & 0x0F;
        }
        return (byte) (aval ^ mask);
    }

    private static short decodeAlaw(byte encoded) {
        int a = (encoded & 0xFF) ^ 0x55;
        int t = (a & 0x0F) << 4;
        int seg = (a & 0x70) >> 4;
        switch (seg) {
            case 0 -> t += 8;
            case 1 -> t += 0x108;
            default -> {
                t += 0x108;
                t <<= seg - 1;
            }
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }
}
