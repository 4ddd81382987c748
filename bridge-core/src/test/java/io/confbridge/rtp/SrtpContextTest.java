package io.confbridge.rtp;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SRTP (RFC 3711) against its Appendix B vectors and libsrtp's known-answer packet, then the receiver's
 * replay window (§3.3.2), rollover, and authentication failures, each counted.
 */
class SrtpContextTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MASTER_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] MASTER_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");
    /** libsrtp's srtp_validate: SSRC 0xcafebabe, sequence 0x1234, ROC 0, 16 bytes of 0xab. */
    private static final byte[] PLAIN = HEX.parseHex("800f1234decafbadcafebabe" + "ab".repeat(16));
    private static final byte[] PROTECTED_80 = HEX.parseHex(
            "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");

    private static SrtpContext context(SrtpContext.Suite suite) {
        return new SrtpContext(suite, MASTER_KEY, MASTER_SALT);
    }

    @Test
    void keyDerivationMatchesRfc3711AppendixB3() throws Exception {
        Cipher master = Cipher.getInstance("AES/ECB/NoPadding");
        master.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(MASTER_KEY, "AES"));
        assertEquals("c61e7a93744f39ee10734afe3ff7a087", HEX.formatHex(SessionKeys.derive(master, MASTER_SALT, 0, 16)));
        assertEquals("30cbbc08863d8c85d49db34a9ae1", HEX.formatHex(SessionKeys.derive(master, MASTER_SALT, 2, 14)));
        assertEquals("cebe321f6ff7716b6fd4ab49af256a156d38baa4",
                HEX.formatHex(SessionKeys.derive(master, MASTER_SALT, 1, 20)));
    }

    @Test
    void counterModeKeystreamMatchesRfc3711AppendixB2() throws Exception {
        // B.2: session key 2B7E..., IV = salt F0F1...FD * 2^16 with SSRC, ROC and SEQ 0; the KDF's
        // counter layout with label 0 is the same, so it yields the same keystream.
        Cipher session = Cipher.getInstance("AES/ECB/NoPadding");
        session.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c"), "AES"));
        byte[] keystream = SessionKeys.derive(session, HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfd"), 0, 48);
        assertEquals("e03ead0935c95e80e166b16dd92b4eb4" + "d23513162b02d0f72a43a2fe4a5f97ab"
                + "41e95b3bb0a2e8dd477901e4fca894c0", HEX.formatHex(keystream));
    }

    @Test
    void protectsLibsrtpsKnownPacketWith80And32BitTags() {
        byte[] packet = Arrays.copyOf(PLAIN, 64);
        assertEquals(38, context(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80).protect(packet, 0, PLAIN.length));
        assertArrayEquals(PROTECTED_80, Arrays.copyOf(packet, 38));

        byte[] short32 = Arrays.copyOf(PLAIN, 64);
        assertEquals(32, context(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_32).protect(short32, 0, PLAIN.length));
        assertArrayEquals(Arrays.copyOf(PROTECTED_80, 32), Arrays.copyOf(short32, 32), "the 80-bit tag's first 4 bytes");
    }

    @Test
    void unprotectsAtANonZeroOffset() {
        byte[] buffer = new byte[100];
        System.arraycopy(PROTECTED_80, 0, buffer, 7, PROTECTED_80.length);
        SrtpContext receiver = context(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80);
        assertEquals(PLAIN.length, receiver.unprotect(buffer, 7, PROTECTED_80.length));
        assertArrayEquals(PLAIN, Arrays.copyOfRange(buffer, 7, 7 + PLAIN.length));
    }

    @Test
    void aReplayedOrTooOldPacketIsDroppedAndCounted() {
        SrtpContext sender = context(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80);
        SrtpContext receiver = context(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80);
        byte[][] sent = new byte[100][];
        for (int seq = 0; seq < 100; seq++) {
            byte[] p = rtp(seq, 0x11223344);
            int n = sender.protect(p, 0, 172);
            sent[seq] = Arrays.copyOf(p, n);
        }
        assertEquals(172, receiver.unprotect(sent[0].clone(), 0, sent[0].length));
        assertEquals(172, receiver.unprotect(sent[2].clone(), 0, sent[2].length));
        assertEquals(172, receiver.unprotect(sent[1].clone(), 0, sent[1].length), "late but new: accepted");
        assertEquals(SrtpContext.REPLAYED, receiver.unprotect(sent[1].clone(), 0, sent[1].length));
        assertEquals(SrtpContext.REPLAYED, receiver.unprotect(sent[2].clone(), 0, sent[2].length));
        assertEquals(172, receiver.unprotect(sent[99].clone(), 0, sent[99].length));
        assertEquals(SrtpContext.REPLAYED, receiver.unprotect(sent[3].clone(), 0, sent[3].length), "older than 64");
        assertEquals(172, receiver.unprotect(sent[40].clone(), 0, sent[40].length), "inside the window, unseen");
        assertEquals(3, receiver.replays());
        assertEquals(0, receiver.authFailures());
    }

    @Test
    void aTamperedPacketFailsAuthenticationIsLeftAsItWasAndDoesNotMoveTheWindow() {
        SrtpContext sender = context(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_32);
        SrtpContext receiver = context(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_32);
        byte[] p = rtp(5, 42);
        int n = sender.protect(p, 0, 172);
        byte[] tampered = Arrays.copyOf(p, n);
        tampered[30] ^= 1;
        byte[] copy = tampered.clone();
        assertEquals(SrtpContext.AUTH_FAILED, receiver.unprotect(tampered, 0, n));
        assertArrayEquals(copy, tampered);
        assertEquals(1, receiver.authFailures());
        assertEquals(172, receiver.unprotect(Arrays.copyOf(p, n), 0, n), "the genuine packet still gets through");

        SrtpContext otherKey = new SrtpContext(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_32, new byte[16], MASTER_SALT);
        assertEquals(SrtpContext.AUTH_FAILED, otherKey.unprotect(Arrays.copyOf(p, n), 0, n));
        assertEquals(SrtpContext.MALFORMED, receiver.unprotect(new byte[10], 0, 10));
        assertEquals(1, receiver.malformed());
    }

    @Test
    void theRolloverCounterFollowsASequenceWrap() {
        SrtpContext sender = context(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80);
        SrtpContext receiver = context(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80);
        for (int i = 0; i < 10; i++) {
            int seq = (65530 + i) & 0xFFFF;
            byte[] p = rtp(seq, 7);
            byte[] plain = Arrays.copyOf(p, 172);
            int n = sender.protect(p, 0, 172);
            assertEquals(172, receiver.unprotect(p, 0, n), "seq " + seq);
            assertArrayEquals(plain, Arrays.copyOf(p, 172));
        }
        assertEquals(0, receiver.authFailures());
    }

    /** A 172-byte PCMU packet with room for a tag. */
    private static byte[] rtp(int seq, int ssrc) {
        byte[] p = new byte[200];
        p[0] = (byte) 0x80;
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        p[8] = (byte) (ssrc >>> 24);
        p[9] = (byte) (ssrc >>> 16);
        p[10] = (byte) (ssrc >>> 8);
        p[11] = (byte) ssrc;
        for (int i = 12; i < 172; i++) {
            p[i] = (byte) (i * 7);
        }
        return p;
    }
}
