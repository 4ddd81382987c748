package io.confbridge.auth;

import java.util.HexFormat;

/**
 * An organizer's SIP digest account: the username a softphone authenticates with and the HA1 values
 * (RFC 7616 §3.4.2: {@code H(username ":" realm ":" password)}) for each algorithm we offer. The
 * password itself is never kept; HA1 binds the realm, so changing the realm invalidates every account.
 *
 * @param organizerId the organizer this account proves
 * @param username    the digest username (case-sensitive, as SIP user parts are)
 * @param ha1Md5      HA1 under MD5, 32 lowercase hex characters
 * @param ha1Sha256   HA1 under SHA-256, 64 lowercase hex characters
 */
public record DigestAccount(long organizerId, String username, String ha1Md5, String ha1Sha256) {

    public DigestAccount {
        if (username == null || username.isEmpty() || username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("SIP username must be non-empty without ':': '" + username + "'");
        }
        requireHex("ha1Md5", ha1Md5, DigestAlgorithm.MD5);
        requireHex("ha1Sha256", ha1Sha256, DigestAlgorithm.SHA_256);
    }

    /**
     * The account for {@code password} in {@code realm}, with both HA1 values computed: what the admin
     * API stores when it sets SIP credentials.
     */
    public static DigestAccount of(long organizerId, String username, String realm, String password) {
        return new DigestAccount(organizerId, username,
                ha1(DigestAlgorithm.MD5, username, realm, password),
                ha1(DigestAlgorithm.SHA_256, username, realm, password));
    }

    /**
     * HA1 for an algorithm named as on the wire ({@code MD5}, {@code SHA-256}).
     *
     * @throws IllegalArgumentException for any other algorithm
     */
    public static String ha1(String algorithm, String username, String realm, String password) {
        DigestAlgorithm a = DigestAlgorithm.forToken(algorithm)
                .orElseThrow(() -> new IllegalArgumentException("unsupported digest algorithm: " + algorithm));
        return ha1(a, username, realm, password);
    }

    /** HA1 = H(username:realm:password), lowercase hex (RFC 7616 §3.4.2). */
    public static String ha1(DigestAlgorithm algorithm, String username, String realm, String password) {
        return algorithm.hash(username + ":" + realm + ":" + password);
    }

    /** The HA1 to verify a response made with {@code algorithm}. */
    public String ha1(DigestAlgorithm algorithm) {
        return switch (algorithm) {
            case MD5 -> ha1Md5;
            case SHA_256 -> ha1Sha256;
        };
    }

    /** Never shows the HA1 values: they are password equivalents for this realm. */
    @Override
    public String toString() {
        return "DigestAccount[organizerId=" + organizerId + ", username=" + username + "]";
    }

    private static void requireHex(String name, String value, DigestAlgorithm algorithm) {
        if (value == null || value.length() != algorithm.hexLength()) {
            throw new IllegalArgumentException(name + " must be " + algorithm.hexLength() + " lowercase hex characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!HexFormat.isHexDigit(c) || Character.isUpperCase(c)) {
                throw new IllegalArgumentException(name + " must be lowercase hex");
            }
        }
    }
}
