package io.confbridge.rtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA1 (RFC 2104) over two reused {@link MessageDigest}s, for SRTP's per-packet tag: the JDK's
 * {@code Mac.doFinal} allocates its inner digest on every call, which the media path must not.
 * {@code MessageDigest.digest(byte[], int, int)} writes into our buffer instead. Not thread-safe.
 */
final class HmacSha1 {
    static final int LENGTH = 20;
    private static final int BLOCK = 64;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] innerHash = new byte[LENGTH];
    private boolean started;

    HmacSha1(byte[] key) {
        try {
            inner = MessageDigest.getInstance("SHA-1");
            outer = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-1", e);
        }
        byte[] k = key.length > BLOCK ? inner.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
    }

    void update(byte[] data, int offset, int length) {
        if (!started) {
            inner.update(innerPad);
            started = true;
        }
        inner.update(data, offset, length);
    }

    /** Writes the 20-byte MAC of everything updated since the last call into {@code out} at {@code offset}. */
    void doFinal(byte[] out, int offset) {
        if (!started) {
            inner.update(innerPad);
        }
        started = false;
        try {
            inner.digest(innerHash, 0, LENGTH);
            outer.update(outerPad);
            outer.update(innerHash, 0, LENGTH);
            outer.digest(out, offset, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets the key material. */
    void destroy() {
        Arrays.fill(innerPad, (byte) 0);
        Arrays.fill(outerPad, (byte) 0);
    }
}
