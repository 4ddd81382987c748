package io.confbridge.codec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6716 §3.1–3.4 framing on hand-built packets, each also read at a non-zero offset. */
class OpusPacketTest {
    private static final int SILK_WB_20MS = 9; // config 9: SILK wideband, 20 ms
    private static final int CELT_FB_2_5MS = 28;

    @Test
    void frameDurationOfEveryConfig() {
        int[] ms10 = {10, 20, 40, 60, 10, 20, 40, 60, 10, 20, 40, 60, // SILK NB, MB, WB
                10, 20, 10, 20, // hybrid SWB, FB
                0, 0, 10, 20, 0, 0, 10, 20, 0, 0, 10, 20, 0, 0, 10, 20}; // CELT: 2.5 and 5 ms are the zeros
        for (int config = 0; config < 32; config++) {
            int samples = OpusPacket.frameSamples48k(toc(config, 0));
            if (ms10[config] > 0) {
                assertEquals(ms10[config] * 48, samples, "config " + config);
            } else {
                assertEquals((config & 3) == 0 ? 120 : 240, samples, "config " + config);
            }
        }
    }

    @Test
    void stereoFlag() {
        assertFalse(OpusPacket.stereo(toc(SILK_WB_20MS, 0)));
        assertTrue(OpusPacket.stereo((byte) (toc(SILK_WB_20MS, 0) | 0x04)));
    }

    @Test
    void codeZeroIsOneFrameOfAtMost1275Bytes() {
        assertValid(960, packet(toc(SILK_WB_20MS, 0), new byte[80]));
        assertValid(960, packet(toc(SILK_WB_20MS, 0))); // a zero-length frame is allowed
        assertValid(960, packet(toc(SILK_WB_20MS, 0), new byte[1275]));
        assertInvalid(packet(toc(SILK_WB_20MS, 0), new byte[1276]));
    }

    @Test
    void emptyPacketIsRefused() {
        assertEquals(OpusPacket.INVALID, OpusPacket.validate(new byte[4], 2, 0));
        assertEquals(OpusPacket.INVALID, OpusPacket.frameCount(new byte[0], 0, 0));
        assertEquals(OpusPacket.INVALID, OpusPacket.durationSamples48k(new byte[0], 0, 0));
    }

    @Test
    void codeOneIsTwoEqualFrames() {
        assertValid(1920, packet(toc(SILK_WB_20MS, 1), new byte[60]));
        assertValid(1920, packet(toc(SILK_WB_20MS, 1))); // two empty frames
        assertInvalid(packet(toc(SILK_WB_20MS, 1), new byte[61])); // [R3]: odd
        assertInvalid(packet(toc(SILK_WB_20MS, 1), new byte[2 * 1276]));
    }

    @Test
    void codeTwoCodesTheFirstLength() {
        assertValid(1920, packet(toc(SILK_WB_20MS, 2), bytes(1), new byte[3])); // frames of 1 and 2 bytes
        assertValid(1920, packet(toc(SILK_WB_20MS, 2), bytes(3), new byte[3])); // 3 and 0
        assertInvalid(packet(toc(SILK_WB_20MS, 2), bytes(4), new byte[3])); // first longer than the rest
        assertInvalid(packet(toc(SILK_WB_20MS, 2))); // no length byte
        // 252 + 4 * 1 = 256: a two-byte length
        assertValid(1920, packet(toc(SILK_WB_20MS, 2), bytes(252, 1), new byte[256]));
        assertInvalid(packet(toc(SILK_WB_20MS, 2), bytes(252))); // second length byte missing
        assertInvalid(packet(toc(SILK_WB_20MS, 2), bytes(0), new byte[1276])); // [R4]: second frame too long
    }

    @Test
    void codeThreeNeedsACountOfAtLeastOneAndAtMost120Ms() {
        assertInvalid(packet(toc(SILK_WB_20MS, 3))); // no count byte
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(0))); // M = 0
        assertValid(6 * 960, packet(toc(SILK_WB_20MS, 3), bytes(6), new byte[60])); // 120 ms
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(7), new byte[70])); // 140 ms
        assertValid(5760, packet(toc(CELT_FB_2_5MS, 3), bytes(48))); // 48 x 2.5 ms
        assertInvalid(packet(toc(CELT_FB_2_5MS, 3), bytes(49)));
        assertEquals(3, OpusPacket.frameCount(packet(toc(SILK_WB_20MS, 3), bytes(3)), 0, 2));
    }

    @Test
    void codeThreeConstantBitrateSplitsEvenly() {
        assertValid(3 * 960, packet(toc(SILK_WB_20MS, 3), bytes(3), new byte[90]));
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(3), new byte[91])); // [R6]
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(2), new byte[2 * 1276]));
    }

    @Test
    void codeThreePaddingMustFit() {
        int padded = 0x40 | 2;
        assertValid(1920, packet(toc(SILK_WB_20MS, 3), bytes(padded, 10), new byte[20 + 10]));
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(padded, 10), new byte[9]));
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(padded))); // padding length missing
        // 255 means 254 bytes and another length byte: 254 + 6 = 260 bytes of padding
        assertValid(1920, packet(toc(SILK_WB_20MS, 3), bytes(padded, 255, 6), new byte[260]));
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(padded, 255, 6), new byte[259]));
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(padded, 255))); // chain cut off
    }

    @Test
    void codeThreeVariableBitrateCodesAllButTheLastLength() {
        int vbr = 0x80 | 3;
        assertValid(3 * 960, packet(toc(SILK_WB_20MS, 3), bytes(vbr, 10, 20), new byte[10 + 20 + 5]));
        assertValid(3 * 960, packet(toc(SILK_WB_20MS, 3), bytes(vbr, 10, 20), new byte[30])); // last frame empty
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(vbr, 10, 20), new byte[29]));
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(vbr, 10))); // second length missing
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(vbr, 0, 0), new byte[1276])); // [R7]: last too long
        int vbrPadded = 0xC0 | 2;
        assertValid(1920, packet(toc(SILK_WB_20MS, 3), bytes(vbrPadded, 3, 5), new byte[5 + 4 + 3]));
        assertInvalid(packet(toc(SILK_WB_20MS, 3), bytes(vbrPadded, 3, 5), new byte[5 + 2]));
    }

    @Test
    void readsOnlyItsOwnBytes() {
        // A code 3 VBR packet inside a larger array: the bytes before and after it are not read.
        byte[] p = packet(bytes(0xFF, 0xFF), bytes(toc(SILK_WB_20MS, 3) & 0xFF, 0x80 | 2, 5), new byte[7]);
        assertEquals(1920, OpusPacket.validate(p, 2, p.length - 2));
        assertEquals(OpusPacket.INVALID, OpusPacket.validate(p, 2, 3)); // the same bytes, cut short
    }

    private static void assertValid(int samples48k, byte[] p) {
        assertEquals(samples48k, OpusPacket.validate(p, 0, p.length));
        byte[] shifted = packet(bytes(0x55, 0xAA, 0x03), p, bytes(0xFF));
        assertEquals(samples48k, OpusPacket.validate(shifted, 3, p.length), "at offset 3");
    }

    private static void assertInvalid(byte[] p) {
        assertEquals(OpusPacket.INVALID, OpusPacket.validate(p, 0, p.length));
        // Trailing bytes outside the packet must not make it valid.
        byte[] shifted = packet(bytes(0x55, 0xAA, 0x03), p, new byte[2000]);
        assertEquals(OpusPacket.INVALID, OpusPacket.validate(shifted, 3, p.length), "at offset 3");
    }

    private static byte toc(int config, int code) {
        return (byte) (config << 3 | code);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] packet(byte toc, byte[]... parts) {
        byte[][] all = new byte[parts.length + 1][];
        all[0] = new byte[] {toc};
        System.arraycopy(parts, 0, all, 1, parts.length);
        return packet(all);
    }

    private static byte[] packet(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] p = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, p, at, part.length);
            at += part.length;
        }
        return p;
    }
}
