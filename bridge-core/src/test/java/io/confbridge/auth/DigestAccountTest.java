package io.confbridge.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestAccountTest {

    @Test
    void ha1MatchesTheRfc7616Example() {
        // RFC 7616 §3.9.1: Mufasa / http-auth@example.org / "Circle of Life"; HA1 is what the responses
        // given there are built on (checked against them in the sip-adapter's DigestResponseTest).
        assertEquals("3d78807defe7de2157e2b0b6573a855f",
                DigestAccount.ha1("MD5", "Mufasa", "http-auth@example.org", "Circle of Life"));
        assertEquals("7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232",
                DigestAccount.ha1("SHA-256", "Mufasa", "http-auth@example.org", "Circle of Life"));
    }

    @Test
    void ha1MatchesTheRfc2617Example() {
        assertEquals("939e7578ed9e3c518a452acee763bce9",
                DigestAccount.ha1(DigestAlgorithm.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life"));
    }

    @Test
    void ofComputesBothHa1sAndNeverShowsThem() {
        DigestAccount account = DigestAccount.of(7, "alice", "confbridge", "s3cret");
        assertEquals(DigestAccount.ha1("md5", "alice", "confbridge", "s3cret"), account.ha1(DigestAlgorithm.MD5));
        assertEquals(DigestAccount.ha1("sha-256", "alice", "confbridge", "s3cret"), account.ha1(DigestAlgorithm.SHA_256));
        assertEquals(7, account.organizerId());
        assertFalse(account.toString().contains(account.ha1Md5()), account.toString());
        assertFalse(account.toString().contains(account.ha1Sha256()), account.toString());
        assertTrue(account.toString().contains("alice"));
    }

    @Test
    void refusesMalformedHa1sAndUsernames() {
        String md5 = "3d78807defe7de2157e2b0b6573a855f";
        String sha = "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232";
        assertThrows(IllegalArgumentException.class, () -> new DigestAccount(1, "a", md5.toUpperCase(), sha));
        assertThrows(IllegalArgumentException.class, () -> new DigestAccount(1, "a", sha, md5));
        assertThrows(IllegalArgumentException.class, () -> new DigestAccount(1, "a", null, sha));
        assertThrows(IllegalArgumentException.class, () -> new DigestAccount(1, "a:b", md5, sha));
        assertThrows(IllegalArgumentException.class, () -> new DigestAccount(1, "", md5, sha));
        assertThrows(IllegalArgumentException.class, () -> DigestAccount.ha1("MD5-sess", "a", "r", "p"));
        assertEquals("a", new DigestAccount(1, "a", md5, sha).username());
    }

    @Test
    void algorithmTokensAreCaseInsensitive() {
        assertEquals(DigestAlgorithm.SHA_256, DigestAlgorithm.forToken("sha-256").orElseThrow());
        assertEquals(DigestAlgorithm.MD5, DigestAlgorithm.forToken(" MD5 ").orElseThrow());
        assertTrue(DigestAlgorithm.forToken("SHA-512-256").isEmpty());
        assertTrue(DigestAlgorithm.forToken(null).isEmpty());
    }
}
