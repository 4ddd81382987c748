package io.confbridge.sip.digest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Stateless nonces: {@code base64url(issuedAtNs ‖ random ‖ HMAC-SHA256(key, issuedAtNs ‖ random)[0..16])}.
 * The server remembers nothing per challenge, so a flood of INVITEs costs no memory, yet it can tell
 * its own nonces from forged ones and knows each one's age. The key lives only in this instance: after
 * a restart old nonces are foreign and clients are simply challenged again. Times are on the monotonic
 * clock of this JVM ({@code System.nanoTime}), immune to wall-clock steps.
 */
final class Nonces {

    enum Status {
        /** Ours and younger than the lifetime. */
        VALID,
        /** Ours but older than the lifetime: the client should retry with a fresh nonce (stale=true). */
        EXPIRED,
        /** Not issued by this instance (forged, garbled, or from before a restart). */
        FOREIGN
    }

    record Check(Status status, long issuedAtNs) {
    }

    private static final int STAMP_BYTES = 8;
    private static final int RANDOM_BYTES = 8;
    private static final int MAC_BYTES = 16;
    private static final int NONCE_BYTES = STAMP_BYTES + RANDOM_BYTES + MAC_BYTES;
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;
    private final SecureRandom random;
    private final long lifetimeNs;

    Nonces(SecureRandom random, long lifetimeNs) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.key = new SecretKeySpec(secret, HMAC);
        this.random = random;
        this.lifetimeNs = lifetimeNs;
    }

    long lifetimeNs() {
        return lifetimeNs;
    }

    String issue(long nowNs) {
        ByteBuffer nonce = ByteBuffer.allocate(NONCE_BYTES);
        nonce.putLong(nowNs);
        byte[] salt = new byte[RANDOM_BYTES];
        random.nextBytes(salt);
        nonce.put(salt);
        nonce.put(mac(nonce.array(), STAMP_BYTES + RANDOM_BYTES), 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce.array());
    }

    Check check(String nonce, long nowNs) {
        byte[] bytes;
        try {
            bytes = nonce == null ? null : Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != NONCE_BYTES) {
            return new Check(Status.FOREIGN, 0);
        }
        byte[] expected = Arrays.copyOf(mac(bytes, STAMP_BYTES + RANDOM_BYTES), MAC_BYTES);
        byte[] actual = Arrays.copyOfRange(bytes, STAMP_BYTES + RANDOM_BYTES, NONCE_BYTES);
        if (!MessageDigest.isEqual(expected, actual)) {
            return new Check(Status.FOREIGN, 0);
        }
        long issuedAtNs = ByteBuffer.wrap(bytes).getLong();
        long ageNs = nowNs - issuedAtNs;
        if (ageNs < 0) {
            // Signed by us yet from the future: impossible on a monotonic clock, so refuse it.
            return new Check(Status.FOREIGN, issuedAtNs);
        }
        return new Check(ageNs > lifetimeNs ? Status.EXPIRED : Status.VALID, issuedAtNs);
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " unavailable", e);
        }
    }
}
