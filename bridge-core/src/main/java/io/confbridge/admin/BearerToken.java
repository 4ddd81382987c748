package io.confbridge.admin;

import io.confbridge.auth.DigestAlgorithm;

import java.security.SecureRandom;
import java.util.Base64;

/** The bearer tokens of the admin API, the administrator's and users' alike: 256 random bits, URL-safe. */
public final class BearerToken {

    static final int BYTES = 32;

    private BearerToken() {
    }

    /** A fresh token: 32 bytes from {@code random}, base64url without padding (43 characters). */
    public static String generate(SecureRandom random) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * What the store keeps of a user's token: its SHA-256. Looked up by this hash, equality on a SHA-256
     * of a 256-bit secret leaks nothing useful by timing.
     */
    static String hash(String token) {
        return DigestAlgorithm.SHA_256.hash(token);
    }
}
