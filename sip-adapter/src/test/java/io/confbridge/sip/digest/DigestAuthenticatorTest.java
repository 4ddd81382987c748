package io.confbridge.sip.digest;

import io.confbridge.auth.DigestAccount;
import io.confbridge.auth.DigestAlgorithm;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestAuthenticatorTest {

    private static final String REALM = "confbridge";
    private static final String URI = "sip:4711001@127.0.0.1";
    private static final long LIFETIME = 1_000_000;
    private static final DigestAccount ALICE = DigestAccount.of(42, "alice", REALM, "s3cret");

    private final DigestAuthenticator auth = new DigestAuthenticator(REALM, LIFETIME, 16, new SecureRandom());

    private static String param(String challenge, String name) {
        Matcher m = Pattern.compile(name + "=\"?([^\",]*)\"?").matcher(challenge);
        assertTrue(m.find(), name + " in " + challenge);
        return m.group(1);
    }

    private static DigestCredentials answer(String challenge, DigestAlgorithm algorithm, String password, String nc) {
        String nonce = param(challenge, "nonce");
        String ha1 = DigestAccount.ha1(algorithm, "alice", REALM, password);
        String response = DigestResponse.compute(algorithm, ha1, nonce, nc, "c0ffee", "auth", "INVITE", URI);
        return new DigestCredentials("alice", REALM, nonce, URI, response, algorithm.token(), "auth", nc, "c0ffee",
                param(challenge, "opaque"));
    }

    private Verdict verify(DigestCredentials credentials, long nowNs) {
        return auth.verify(credentials, "INVITE", URI::equals, ALICE, nowNs);
    }

    @Test
    void challengesOfferSha256ThenMd5WithOneNonce() {
        List<String> challenges = auth.challenges(false, 0);
        assertEquals(2, challenges.size());
        assertTrue(challenges.get(0).contains("algorithm=SHA-256"), challenges.get(0));
        assertTrue(challenges.get(1).contains("algorithm=MD5"), challenges.get(1));
        assertEquals(param(challenges.get(0), "nonce"), param(challenges.get(1), "nonce"));
        for (String c : challenges) {
            assertTrue(c.startsWith("Digest realm=\"confbridge\", "), c);
            assertTrue(c.contains("qop=\"auth\""), c);
            assertTrue(!c.contains("stale"), c);
        }
        assertTrue(auth.challenges(true, 0).get(0).endsWith(", stale=true"));
    }

    @Test
    void correctAnswersVerifyWithBothAlgorithms() {
        for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
            String challenge = auth.challenges(false, 0).get(0);
            Verdict verdict = verify(answer(challenge, algorithm, "s3cret", "00000001"), 10);
            assertEquals(ALICE, assertInstanceOf(Verdict.Verified.class, verdict).account(), algorithm.token());
        }
    }

    @Test
    void responseInUpperCaseHexAndMissingAlgorithmMeaningMd5AreAccepted() {
        DigestCredentials c = answer(auth.challenges(false, 0).get(1), DigestAlgorithm.MD5, "s3cret", "00000001");
        DigestCredentials shouted = new DigestCredentials(c.username(), c.realm(), c.nonce(), c.uri(),
                c.response().toUpperCase(), null, c.qop(), c.nc(), c.cnonce(), null);
        assertInstanceOf(Verdict.Verified.class, verify(shouted, 10));
    }

    @Test
    void wrongPasswordIsWrongAndLeavesTheCountAlone() {
        String challenge = auth.challenges(false, 0).get(0);
        assertInstanceOf(Verdict.Wrong.class, verify(answer(challenge, DigestAlgorithm.SHA_256, "guess", "00000001"), 10));
        assertInstanceOf(Verdict.Verified.class, verify(answer(challenge, DigestAlgorithm.SHA_256, "s3cret", "00000001"), 11));
    }

    @Test
    void replayedOrLowerCountIsRechallengedAndHigherCountAccepted() {
        String challenge = auth.challenges(false, 0).get(0);
        DigestCredentials first = answer(challenge, DigestAlgorithm.SHA_256, "s3cret", "00000002");
        assertInstanceOf(Verdict.Verified.class, verify(first, 10));
        Verdict replay = verify(first, 11);
        assertTrue(!assertInstanceOf(Verdict.Rechallenge.class, replay).stale());
        assertInstanceOf(Verdict.Rechallenge.class, verify(answer(challenge, DigestAlgorithm.SHA_256, "s3cret", "00000001"), 12));
        assertInstanceOf(Verdict.Verified.class, verify(answer(challenge, DigestAlgorithm.SHA_256, "s3cret", "00000003"), 13));
    }

    @Test
    void expiredNonceIsStaleOnlyForTheRightPassword() {
        String challenge = auth.challenges(false, 0).get(0);
        Verdict right = verify(answer(challenge, DigestAlgorithm.SHA_256, "s3cret", "00000001"), LIFETIME + 1);
        assertTrue(assertInstanceOf(Verdict.Rechallenge.class, right).stale());
        assertInstanceOf(Verdict.Wrong.class, verify(answer(challenge, DigestAlgorithm.SHA_256, "guess", "00000001"), LIFETIME + 1));
    }

    @Test
    void foreignNoncesAreRechallengedNotStale() {
        DigestAuthenticator other = new DigestAuthenticator(REALM, LIFETIME, 16, new SecureRandom());
        String theirs = other.challenges(false, 0).get(0);
        DigestCredentials c = answer(theirs, DigestAlgorithm.SHA_256, "s3cret", "00000001");
        DigestCredentials noOpaque = new DigestCredentials(c.username(), c.realm(), c.nonce(), c.uri(), c.response(),
                c.algorithm(), c.qop(), c.nc(), c.cnonce(), null);
        assertTrue(!assertInstanceOf(Verdict.Rechallenge.class, verify(noOpaque, 10)).stale());
        DigestCredentials garbage = new DigestCredentials(c.username(), c.realm(), "not-a-nonce!", c.uri(), c.response(),
                c.algorithm(), c.qop(), c.nc(), c.cnonce(), null);
        assertInstanceOf(Verdict.Rechallenge.class, verify(garbage, 10));
    }

    @Test
    void wrongUriQopAlgorithmOrRealmAreWrong() {
        String challenge = auth.challenges(false, 0).get(0);
        DigestCredentials c = answer(challenge, DigestAlgorithm.SHA_256, "s3cret", "00000001");
        assertInstanceOf(Verdict.Wrong.class, auth.verify(c, "INVITE", uri -> false, ALICE, 10));
        assertInstanceOf(Verdict.Wrong.class, auth.verify(c, "REGISTER", URI::equals, ALICE, 10), "method is in HA2");
        assertInstanceOf(Verdict.Wrong.class, verify(new DigestCredentials(c.username(), c.realm(), c.nonce(), c.uri(),
                c.response(), c.algorithm(), null, null, null, c.opaque()), 10));
        assertInstanceOf(Verdict.Wrong.class, verify(new DigestCredentials(c.username(), c.realm(), c.nonce(), c.uri(),
                c.response(), "SHA-512-256", c.qop(), c.nc(), c.cnonce(), c.opaque()), 10));
        assertInstanceOf(Verdict.Wrong.class, verify(new DigestCredentials(c.username(), "elsewhere", c.nonce(), c.uri(),
                c.response(), c.algorithm(), c.qop(), c.nc(), c.cnonce(), c.opaque()), 10));
        assertInstanceOf(Verdict.Verified.class, verify(c, 11), "none of the wrong ones spent the count");
    }

    @Test
    void aNonceTakesAtMostThreeWrongPasswordsThenIsChallengedAgainUnchecked() {
        String challenge = auth.challenges(false, 0).get(0);
        for (int i = 1; i <= 3; i++) {
            assertInstanceOf(Verdict.Wrong.class, verify(answer(challenge, DigestAlgorithm.SHA_256, "guess" + i, "0000000" + i), 10 + i));
        }

        Verdict fourth = verify(answer(challenge, DigestAlgorithm.SHA_256, "s3cret", "00000004"), 20);

        Verdict.Rechallenge again = assertInstanceOf(Verdict.Rechallenge.class, fourth, "even the right password is not checked");
        assertTrue(!again.stale());
        assertTrue(again.reason().contains("spent"), again.reason());
        String fresh = auth.challenges(false, 21).get(0);
        assertInstanceOf(Verdict.Verified.class, verify(answer(fresh, DigestAlgorithm.SHA_256, "s3cret", "00000001"), 22));
    }

    @Test
    void nonceFailuresStayBoundedAndADroppedNonceIsSpent() {
        NonceFailures failures = new NonceFailures(2, LIFETIME);
        failures.failed("a", 1, 10);
        failures.failed("b", 2, 10);
        failures.failed("c", 3, 10);

        assertEquals(2, failures.size());
        assertTrue(failures.spent("a", 1), "dropped: it may not come back with fresh tries");
        assertTrue(!failures.spent("c", 3));
        assertTrue(!failures.spent("d", 4), "a newer nonce is unaffected");
    }
}
