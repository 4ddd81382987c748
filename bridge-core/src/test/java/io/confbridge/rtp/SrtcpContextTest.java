package io.confbridge.rtp;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** SRTCP (RFC 3711 §3.4) against libsrtp's known-answer packet, then its replay window and tag check. */
class SrtcpContextTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MASTER_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] MASTER_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");
    /** libsrtp's srtp_validate: an SR header for SSRC 0xcafebabe and 16 bytes of 0xab. */
    private static final byte[] PLAIN = HEX.parseHex("81c8000bcafebabe" + "ab".repeat(16));
    private static final byte[] PROTECTED = HEX.parseHex(
            "81c8000bcafebabe71280 35be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798".replace(" ", ""));

    @Test
    void protectsLibsrtpsKnownPacket() {
        byte[] packet = Arrays.copyOf(PLAIN, 64);
        assertEquals(38, new SrtcpContext(MASTER_KEY, MASTER_SALT).protect(packet, 0, PLAIN.length));
        assertArrayEquals(PROTECTED, Arrays.copyOf(packet, 38));
    }

    @Test
    void unprotectsItOnceAndRejectsReplaysAndForgeries() {
        SrtcpContext receiver = new SrtcpContext(MASTER_KEY, MASTER_SALT);
        byte[] packet = PROTECTED.clone();
        assertEquals(PLAIN.length, receiver.unprotect(packet, 0, packet.length));
        assertArrayEquals(PLAIN, Arrays.copyOf(packet, PLAIN.length));
        assertEquals(SrtpContext.REPLAYED, receiver.unprotect(PROTECTED.clone(), 0, PROTECTED.length));

        SrtcpContext sender = new SrtcpContext(MASTER_KEY, MASTER_SALT);
        byte[] next = Arrays.copyOf(PLAIN, 64);
        sender.protect(next.clone(), 0, PLAIN.length); // index 1
        int length = sender.protect(next, 0, PLAIN.length); // index 2
        next[10] ^= 1;
        assertEquals(SrtpContext.AUTH_FAILED, receiver.unprotect(next, 0, length));
        assertEquals(SrtpContext.MALFORMED, receiver.unprotect(new byte[10], 0, 10));
    }
}
