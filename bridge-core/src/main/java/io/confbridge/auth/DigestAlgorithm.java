package io.confbridge.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The digest algorithms the bridge offers (RFC 8760 §2: SHA-256 preferred, MD5 for older softphones).
 * The {@code -sess} variants are not offered: they need per-session state and no softphone we target
 * asks for them.
 */
public enum DigestAlgorithm {

    /** SHA-256 (RFC 7616 §3.2), offered first. */
    SHA_256("SHA-256", "SHA-256"),
    /** MD5, what RFC 3261 §22.4 softphones speak; also the default when a response names none. */
    MD5("MD5", "MD5");

    private final String token;
    private final String jcaName;

    DigestAlgorithm(String token, String jcaName) {
        this.token = token;
        this.jcaName = jcaName;
    }

    /** The name on the wire, in {@code algorithm=}. */
    public String token() {
        return token;
    }

    /** The algorithm an {@code algorithm=} token names (case-insensitive), if we support it. */
    public static Optional<DigestAlgorithm> forToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String upper = token.trim().toUpperCase(Locale.ROOT);
        for (DigestAlgorithm a : values()) {
            if (a.token.equals(upper)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The lowercase hex digest of the UTF-8 bytes of {@code text} (RFC 7616 §3.4: H(data)). */
    public String hash(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Length of {@link #hash} results in hex characters. */
    int hexLength() {
        return digest().getDigestLength() * 2;
    }

    private MessageDigest digest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide MD5 and SHA-256 (MessageDigest Javadoc).
            throw new IllegalStateException(jcaName + " missing from this JVM", e);
        }
    }
}
