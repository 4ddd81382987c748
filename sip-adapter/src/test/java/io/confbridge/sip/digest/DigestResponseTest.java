package io.confbridge.sip.digest;

import io.confbridge.auth.DigestAccount;
import io.confbridge.auth.DigestAlgorithm;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The worked example of RFC 7616 §3.9.1. */
class DigestResponseTest {

    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    private static String response(DigestAlgorithm algorithm) {
        String ha1 = DigestAccount.ha1(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life");
        return DigestResponse.compute(algorithm, ha1, NONCE, "00000001", CNONCE, "auth", "GET", "/dir/index.html");
    }

    @Test
    void sha256ResponseMatchesRfc7616() {
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", response(DigestAlgorithm.SHA_256));
    }

    @Test
    void md5ResponseMatchesRfc7616() {
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", response(DigestAlgorithm.MD5));
    }
}
