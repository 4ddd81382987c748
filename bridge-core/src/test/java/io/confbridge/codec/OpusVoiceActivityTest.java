package io.confbridge.codec;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SILK voice activity flags read from Opus packets without decoding them (RFC 6716 §4.2.3): on packets
 * libopus made from silence and from voice, in every packet time and framing a phone or the bridge sends,
 * and on packets that carry no flag.
 */
class OpusVoiceActivityTest {
    private static final int FRAME = OpusEncoder.FRAME;

    /** Packets libopus makes of {@code frames} frames of {@code pcm}, {@code samples} per packet. */
    private static byte[][] encode(short[] pcm, int samples) {
        byte[][] packets = new byte[pcm.length / samples][];
        try (OpusEncoder encoder = new OpusEncoder()) {
            byte[] out = new byte[OpusPacket.MAX_FRAME_BYTES];
            for (int p = 0; p < packets.length; p++) {
                int length = encoder.encode(pcm, p * samples, samples, out, 0, out.length);
                packets[p] = Arrays.copyOf(out, length);
            }
        }
        return packets;
    }

    private static int activity(byte[] packet) {
        return OpusVoiceActivity.of(packet, 0, packet.length);
    }

    @Test
    void silenceIsFlaggedSilentAndVoiceIsFlaggedVoiceInEveryPacketTime() {
        for (int samples : new int[] {FRAME / 2, FRAME, 2 * FRAME, 3 * FRAME}) {
            for (byte[] packet : encode(new short[50 * FRAME], samples)) {
                assertEquals(OpusVoiceActivity.SILENT, activity(packet), samples + " samples of silence");
            }
            byte[][] voiced = encode(OpusAllocationTest.speechLike(50 * FRAME), samples);
            int flagged = 0;
            for (byte[] packet : voiced) {
                flagged += activity(packet) == OpusVoiceActivity.VOICE ? 1 : 0;
            }
            // SILK's detector flags each 10 or 20 ms on its own: the quiet ends of syllables may go unflagged.
            assertTrue(flagged > voiced.length * 2 / 3, samples + " samples: " + flagged + " of " + voiced.length + " voiced");
            int config = (voiced[0][0] & 0xFF) >>> 3;
            assertTrue(config < 12, "SILK packets, as a 16 kHz voice gets: config " + config);
        }
    }

    /** RFC 6716 §4.1: the first symbol of probability 1/2 is 1 when the first byte's top bit is set. */
    @Test
    void theFlagIsTheRangeCodersFirstSymbol() {
        byte silkWb20 = (byte) (9 << 3);
        assertEquals(OpusVoiceActivity.VOICE, activity(new byte[] {silkWb20, (byte) 0x80, 0x12, 0x34}));
        assertEquals(OpusVoiceActivity.SILENT, activity(new byte[] {silkWb20, 0x7F, 0x12, 0x34}));
        byte hybridFb20 = (byte) (15 << 3);
        assertEquals(OpusVoiceActivity.VOICE, activity(new byte[] {hybridFb20, (byte) 0xC0, 0, 0}));
        assertEquals(OpusVoiceActivity.SILENT, activity(new byte[] {hybridFb20, 0x01, 0, 0}));
    }

    @Test
    void celtPacketsAndMalformedOnesCarryNoFlag() {
        byte celtFb20 = (byte) (31 << 3);
        assertEquals(OpusVoiceActivity.UNKNOWN, activity(new byte[] {celtFb20, (byte) 0x80, 0x12}));
        assertEquals(OpusVoiceActivity.UNKNOWN, OpusVoiceActivity.of(new byte[] {0}, 0, 0));
        byte code2 = (byte) (9 << 3 | 2);
        assertEquals(OpusVoiceActivity.UNKNOWN, activity(new byte[] {code2, 100, (byte) 0x80})); // first frame cut off
        byte code3 = (byte) (9 << 3 | 3);
        assertEquals(OpusVoiceActivity.UNKNOWN, activity(new byte[] {code3, 0, (byte) 0x80})); // no frames
    }

    /** A zero- or one-byte frame is DTX (RFC 6716 §3.2.1): nothing said. */
    @Test
    void dtxFramesAreSilent() {
        byte silkWb20 = (byte) (9 << 3);
        assertEquals(OpusVoiceActivity.SILENT, activity(new byte[] {silkWb20}));
        assertEquals(OpusVoiceActivity.SILENT, activity(new byte[] {silkWb20, (byte) 0xFF}));
    }

    /**
     * Two 20 ms frames in one packet, as code 1 (equal sizes), code 2 and code 3 (the bridge's own 40 ms
     * packets): voice in either frame is voice; silence needs both.
     */
    @Test
    void everyFrameOfAMultiFramePacketCounts() {
        byte[] silent = encode(new short[10 * FRAME], FRAME)[9];
        byte[] voiced = encode(OpusAllocationTest.speechLike(10 * FRAME), FRAME)[9];
        assertEquals(OpusVoiceActivity.SILENT, activity(silent));
        assertEquals(OpusVoiceActivity.VOICE, activity(voiced));
        byte[] equal = new byte[1 + 2 * (silent.length - 1)];
        equal[0] = (byte) (silent[0] & ~3 | 1);
        System.arraycopy(silent, 1, equal, 1, silent.length - 1);
        System.arraycopy(silent, 1, equal, silent.length, silent.length - 1);
        assertEquals(OpusVoiceActivity.SILENT, activity(equal));
        for (boolean voiceFirst : new boolean[] {true, false}) {
            byte[] a = voiceFirst ? voiced : silent;
            byte[] b = voiceFirst ? silent : voiced;
            assertEquals(OpusVoiceActivity.VOICE, activity(code2(a, b)), "code 2, voice first " + voiceFirst);
            assertEquals(OpusVoiceActivity.VOICE, activity(code3(a, b, 0)), "code 3, voice first " + voiceFirst);
            assertEquals(OpusVoiceActivity.VOICE, activity(code3(a, b, 300)), "code 3 padded, voice first " + voiceFirst);
        }
        assertEquals(OpusVoiceActivity.SILENT, activity(code3(silent, silent, 7)));
    }

    @Test
    void readingFlagsAllocatesNothing() {
        byte[][] packets = encode(OpusAllocationTest.speechLike(50 * FRAME), FRAME);
        byte[] joined = code3(packets[10], packets[11], 3);
        int sum = 0;
        for (int i = 0; i < 20_000; i++) { // warm-up: the JIT compiles and removes the decoder's object
            sum += activity(packets[i % 50]) + activity(joined);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 1_000; i++) {
            sum += activity(packets[i % 50]) + activity(joined);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 16L * 1_000, allocated + " bytes for 2,000 packets");
        assertTrue(sum > 0);
    }

    private static byte[] code2(byte[] a, byte[] b) {
        int first = a.length - 1;
        assertTrue(first < 252, "a one-byte length");
        byte[] p = new byte[2 + first + b.length - 1];
        p[0] = (byte) (a[0] & ~3 | 2);
        p[1] = (byte) first;
        System.arraycopy(a, 1, p, 2, first);
        System.arraycopy(b, 1, p, 2 + first, b.length - 1);
        return p;
    }

    /** Code 3, VBR, with {@code padding} bytes of padding (0 for none). */
    private static byte[] code3(byte[] a, byte[] b, int padding) {
        int first = a.length - 1;
        int second = b.length - 1;
        int paddingBytes = padding == 0 ? 0 : padding / 255 + 1;
        byte[] p = new byte[2 + paddingBytes + 1 + first + second + padding];
        p[0] = (byte) (a[0] & ~3 | 3);
        p[1] = (byte) (0x80 | (padding > 0 ? 0x40 : 0) | 2);
        int at = 2;
        for (int left = padding; paddingBytes > 0; paddingBytes--) {
            // Each 255 adds 254 bytes of padding and says another length byte follows.
            int b255 = left > 254 ? 255 : left;
            p[at++] = (byte) b255;
            left -= b255 == 255 ? 254 : b255;
        }
        p[at++] = (byte) first;
        System.arraycopy(a, 1, p, at, first);
        System.arraycopy(b, 1, p, at + first, second);
        return p;
    }
}
