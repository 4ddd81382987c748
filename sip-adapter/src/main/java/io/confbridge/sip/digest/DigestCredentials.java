package io.confbridge.sip.digest;

import java.util.function.UnaryOperator;

/**
 * The parameters of an {@code Authorization: Digest ...} header (RFC 7616 §3.4), unquoted, as the
 * client sent them. Missing parameters are null.
 */
public record DigestCredentials(
        String username,
        String realm,
        String nonce,
        String uri,
        String response,
        String algorithm,
        String qop,
        String nc,
        String cnonce,
        String opaque) {

    /** Reads the parameters through {@code parameter} (name → unquoted value or null). */
    public static DigestCredentials of(UnaryOperator<String> parameter) {
        return new DigestCredentials(parameter.apply("username"), parameter.apply("realm"), parameter.apply("nonce"),
                parameter.apply("uri"), parameter.apply("response"), parameter.apply("algorithm"),
                parameter.apply("qop"), parameter.apply("nc"), parameter.apply("cnonce"), parameter.apply("opaque"));
    }

    /** Never shows the response: with the nonce it would let anyone try passwords offline. */
    @Override
    public String toString() {
        return "DigestCredentials[username=" + username + ", realm=" + realm + ", algorithm=" + algorithm
                + ", qop=" + qop + ", nc=" + nc + "]";
    }
}
