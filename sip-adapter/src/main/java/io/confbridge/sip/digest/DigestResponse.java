package io.confbridge.sip.digest;

import io.confbridge.auth.DigestAlgorithm;

/** The {@code response} value of RFC 7616 §3.4.1 for {@code qop=auth}. */
final class DigestResponse {

    private DigestResponse() {
    }

    /**
     * {@code KD(HA1, nonce:nc:cnonce:qop:H(method:uri))}, lowercase hex, where
     * {@code KD(secret, data) = H(secret:data)}.
     */
    static String compute(DigestAlgorithm algorithm, String ha1, String nonce, String nc, String cnonce,
                                 String qop, String method, String uri) {
        String ha2 = algorithm.hash(method + ":" + uri);
        return algorithm.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }
}
