package io.confbridge.sip.support;

import io.confbridge.auth.DigestAccount;
import io.confbridge.auth.DigestAlgorithm;
import io.confbridge.sip.digest.DigestResponse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a softphone answers to a digest challenge: an {@code Authorization} header line, computed here. */
public final class DigestAnswer {

    private DigestAnswer() {
    }

    /** The value of {@code name} in a {@code WWW-Authenticate} challenge (quoted or not), or null. */
    public static String param(String challenge, String name) {
        Matcher m = Pattern.compile("(?:^|[\\s,])" + name + "=(?:\"([^\"]*)\"|([^\\s,]*))", Pattern.CASE_INSENSITIVE)
                .matcher(challenge);
        if (!m.find()) {
            return null;
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    /** The challenge in {@code response401} offering {@code algorithm}. */
    public static String challengeFor(SipMessage response401, DigestAlgorithm algorithm) {
        for (String challenge : response401.headerLines("WWW-Authenticate")) {
            if (algorithm.token().equalsIgnoreCase(param(challenge, "algorithm"))) {
                return challenge;
            }
        }
        throw new AssertionError("no " + algorithm.token() + " challenge in\n" + response401);
    }

    /** An {@code Authorization: Digest ...} header line (with CRLF) answering {@code challenge}. */
    public static String authorization(String challenge, DigestAlgorithm algorithm, String username, String password,
                                       String method, String uri, String nc) {
        String realm = param(challenge, "realm");
        String nonce = param(challenge, "nonce");
        String cnonce = "0a4f113b";
        String ha1 = DigestAccount.ha1(algorithm, username, realm, password);
        String response = DigestResponse.compute(algorithm, ha1, nonce, nc, cnonce, "auth", method, uri);
        return "Authorization: Digest username=\"" + username + "\", realm=\"" + realm + "\", nonce=\"" + nonce
                + "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=" + algorithm.token()
                + ", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce + "\", opaque=\"" + param(challenge, "opaque") + "\"\r\n";
    }
}
