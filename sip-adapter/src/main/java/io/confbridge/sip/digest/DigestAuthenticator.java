package io.confbridge.sip.digest;

import io.confbridge.auth.DigestAccount;
import io.confbridge.auth.DigestAlgorithm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Issues digest challenges and verifies the answers for one realm (RFC 3261 §22.4, RFC 7616 §3.3–3.4,
 * RFC 8760). Only {@code qop=auth} is offered and accepted: it brings the client nonce and count that
 * make replay detection possible. Thread-safe.
 *
 * <p>Verification order matters: the digest is checked before the nonce's age and count, so that
 * {@code stale=true} is only said to a client that knows the password (RFC 7616 §3.3) and a wrong
 * guess never touches the replay tracker. A nonce accepts at most three wrong responses; the fourth is
 * not checked but challenged again ({@link NonceFailures}).
 */
public final class DigestAuthenticator {

    /** How long a nonce may be answered: long enough for a user to type a password into a prompt. */
    public static final long DEFAULT_NONCE_LIFETIME_NS = TimeUnit.MINUTES.toNanos(5);
    /** Nonces in use tracked for replays; far above the number of organizers authenticating at once. */
    public static final int DEFAULT_TRACKED_NONCES = 4096;

    private static final String QOP_AUTH = "auth";

    private final String realm;
    private final String opaque;
    private final Nonces nonces;
    private final NonceCounts counts;
    private final NonceFailures failures;

    public DigestAuthenticator(String realm) {
        this(realm, DEFAULT_NONCE_LIFETIME_NS, DEFAULT_TRACKED_NONCES, new SecureRandom());
    }

    public DigestAuthenticator(String realm, long nonceLifetimeNs, int trackedNonces, SecureRandom random) {
        this.realm = checkRealm(realm);
        this.nonces = new Nonces(random, nonceLifetimeNs);
        this.counts = new NonceCounts(trackedNonces, nonceLifetimeNs);
        this.failures = new NonceFailures(trackedNonces, nonceLifetimeNs);
        byte[] opaqueBytes = new byte[12];
        random.nextBytes(opaqueBytes);
        this.opaque = HexFormat.of().formatHex(opaqueBytes);
    }

    public String realm() {
        return realm;
    }

    /**
     * The values of the {@code WWW-Authenticate} headers to send, SHA-256 first (RFC 8760 §2.4: in order
     * of preference), with one fresh nonce shared by both.
     */
    public List<String> challenges(boolean stale, long nowNs) {
        String nonce = nonces.issue(nowNs);
        return List.of(challenge(DigestAlgorithm.SHA_256, nonce, stale), challenge(DigestAlgorithm.MD5, nonce, stale));
    }

    private String challenge(DigestAlgorithm algorithm, String nonce, boolean stale) {
        return "Digest realm=\"" + realm + "\", nonce=\"" + nonce + "\", opaque=\"" + opaque + "\", algorithm="
                + algorithm.token() + ", qop=\"" + QOP_AUTH + "\"" + (stale ? ", stale=true" : "");
    }

    /**
     * Checks {@code credentials}, sent with a {@code method} request, against {@code account} (the
     * account named by {@code credentials.username()}).
     *
     * @param uriMatches whether the credentials' {@code uri} names the request's Request-URI
     */
    public Verdict verify(DigestCredentials credentials, String method, Predicate<String> uriMatches,
                          DigestAccount account, long nowNs) {
        if (!account.username().equals(credentials.username())) {
            throw new IllegalArgumentException("account " + account.username() + " for credentials of "
                    + credentials.username());
        }
        if (!realm.equals(credentials.realm())) {
            return new Verdict.Wrong("realm '" + credentials.realm() + "' is not ours");
        }
        Nonces.Check nonce = nonces.check(credentials.nonce(), nowNs);
        if (nonce.status() == Nonces.Status.FOREIGN) {
            return new Verdict.Rechallenge(false, "nonce not issued by us");
        }
        if (credentials.opaque() != null && !opaque.equals(credentials.opaque())) {
            return new Verdict.Rechallenge(false, "opaque not ours");
        }
        if (failures.spent(credentials.nonce(), nonce.issuedAtNs())) {
            // Not checked: a guesser pays a round trip for a fresh nonce every NonceFailures.MAX_FAILURES tries.
            return new Verdict.Rechallenge(false, "nonce spent by " + NonceFailures.MAX_FAILURES + " wrong responses");
        }
        return check(credentials, method, uriMatches, account, nonce, nowNs);
    }

    private Verdict check(DigestCredentials credentials, String method, Predicate<String> uriMatches,
                          DigestAccount account, Nonces.Check nonce, long nowNs) {
        String algorithmToken = credentials.algorithm() == null ? DigestAlgorithm.MD5.token() : credentials.algorithm();
        DigestAlgorithm algorithm = DigestAlgorithm.forToken(algorithmToken).orElse(null);
        if (algorithm == null) {
            return new Verdict.Wrong("algorithm " + algorithmToken + " not offered");
        }
        if (!QOP_AUTH.equalsIgnoreCase(credentials.qop())) {
            return new Verdict.Wrong("qop=auth required, got " + credentials.qop());
        }
        long nc = nonceCount(credentials.nc());
        if (nc <= 0 || credentials.cnonce() == null || credentials.cnonce().isEmpty()) {
            return new Verdict.Wrong("nc or cnonce missing or malformed");
        }
        if (credentials.uri() == null || !uriMatches.test(credentials.uri())) {
            return new Verdict.Wrong("uri does not match the Request-URI");
        }
        String expected = DigestResponse.compute(algorithm, account.ha1(algorithm), credentials.nonce(),
                credentials.nc(), credentials.cnonce(), credentials.qop(), method, credentials.uri());
        if (!constantTimeEquals(expected, credentials.response())) {
            // Only a checked digest is a guess; malformed answers prove nothing and cost the nonce nothing.
            failures.failed(credentials.nonce(), nonce.issuedAtNs(), nowNs);
            return new Verdict.Wrong("wrong password (" + algorithm.token() + ")");
        }
        if (nonce.status() == Nonces.Status.EXPIRED) {
            return new Verdict.Rechallenge(true, "nonce expired");
        }
        if (!counts.advance(credentials.nonce(), nonce.issuedAtNs(), nc, nowNs)) {
            return new Verdict.Rechallenge(false, "nonce count " + credentials.nc() + " replayed");
        }
        return new Verdict.Verified(account);
    }

    /** The 8 hex digits of {@code nc} (RFC 7616 §3.4), or -1. */
    private static long nonceCount(String nc) {
        if (nc == null || nc.length() != 8) {
            return -1;
        }
        try {
            return Long.parseLong(nc, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Time independent of where the strings differ, so the response cannot be learned byte by byte. */
    private static boolean constantTimeEquals(String expectedLowerHex, String actual) {
        if (actual == null) {
            return false;
        }
        return MessageDigest.isEqual(expectedLowerHex.getBytes(StandardCharsets.US_ASCII),
                actual.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    private static String checkRealm(String realm) {
        if (realm == null || realm.isBlank()) {
            throw new IllegalArgumentException("sip.realm must not be blank");
        }
        for (int i = 0; i < realm.length(); i++) {
            char c = realm.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("sip.realm must be printable ASCII without quotes or backslashes: " + realm);
            }
        }
        return realm;
    }
}
