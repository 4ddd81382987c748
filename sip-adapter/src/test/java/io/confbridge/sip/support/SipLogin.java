package io.confbridge.sip.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SIP account a softphone is set up with, and how it answers a digest challenge (RFC 3261 §22.4,
 * RFC 7616 §3.4 with {@code qop=auth}). Computed here with {@link MessageDigest} directly, as a phone of
 * another vendor would, not with the bridge's own digest classes.
 *
 * @param username  the digest username, also the From user of the phone's INVITEs
 * @param password  the password the phone was given (right or wrong)
 * @param algorithm the challenge the phone picks: {@code SHA-256} or {@code MD5}
 */
public record SipLogin(String username, String password, String algorithm) {

    public static SipLogin sha256(String username, String password) {
        return new SipLogin(username, password, "SHA-256");
    }

    public static SipLogin md5(String username, String password) {
        return new SipLogin(username, password, "MD5");
    }

    /** The first nonce count a client sends with a fresh nonce. */
    public static final String FIRST_NONCE_COUNT = "00000001";

    /**
     * The {@code Authorization} value answering the challenge among {@code wwwAuthenticate} that offers
     * {@link #algorithm}, for {@code method} on {@code uri} (the Request-URI), nonce count
     * {@value #FIRST_NONCE_COUNT}.
     *
     * @throws AssertionError if no challenge offers the algorithm or one lacks {@code qop="auth"}
     */
    public Answer answer(List<String> wwwAuthenticate, String method, String uri) {
        return answer(wwwAuthenticate, method, uri, FIRST_NONCE_COUNT);
    }

    /** As {@link #answer(List, String, String)} with the nonce count {@code nc} (8 hex digits). */
    public Answer answer(List<String> wwwAuthenticate, String method, String uri, String nc) {
        String challenge = challengeFor(wwwAuthenticate, algorithm);
        String qop = param(challenge, "qop");
        if (qop == null || !List.of(qop.split("\\s*,\\s*")).contains("auth")) {
            throw new AssertionError("challenge without qop auth: " + challenge);
        }
        String realm = param(challenge, "realm");
        String nonce = param(challenge, "nonce");
        String opaque = param(challenge, "opaque");
        String cnonce = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        String ha1 = hash(username + ":" + realm + ":" + password);
        String ha2 = hash(method + ":" + uri);
        String response = hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        String authorization = "Digest username=\"" + username + "\", realm=\"" + realm + "\", nonce=\"" + nonce
                + "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=" + algorithm
                + ", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce + "\""
                + (opaque == null ? "" : ", opaque=\"" + opaque + "\"");
        return new Answer(challenge, authorization, nonce, nc);
    }

    /**
     * The challenge among {@code wwwAuthenticate} offering {@code algorithm} ({@code SHA-256}, {@code MD5}).
     *
     * @throws AssertionError if none does
     */
    public static String challengeFor(List<String> wwwAuthenticate, String algorithm) {
        return wwwAuthenticate.stream()
                .filter(c -> algorithm.equalsIgnoreCase(param(c, "algorithm")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + algorithm + " challenge in " + wwwAuthenticate));
    }

    /**
     * A challenge the phone answered: the {@code WWW-Authenticate} value it picked and the
     * {@code Authorization} value it sent, which a test may send again to replay it.
     */
    public record Answer(String challenge, String authorization, String nonce, String nonceCount) {
    }

    /** The value of {@code name} in a challenge, quoted or not, or null. */
    public static String param(String challenge, String name) {
        Matcher m = Pattern.compile("(?:^|[\\s,])" + Pattern.quote(name) + "=(?:\"([^\"]*)\"|([^\\s,]*))",
                Pattern.CASE_INSENSITIVE).matcher(challenge);
        if (!m.find()) {
            return null;
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    private String hash(String text) {
        String jca = switch (algorithm.toUpperCase(Locale.ROOT)) {
            case "MD5" -> "MD5";
            case "SHA-256" -> "SHA-256";
            default -> throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        };
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + jca, e);
        }
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "SipLogin[" + username + ", " + algorithm + "]";
    }
}
