package io.confbridge.sip;

import io.confbridge.auth.DigestAccount;
import io.confbridge.auth.DigestAlgorithm;
import io.confbridge.auth.DigestGuard;
import io.confbridge.auth.SipCredentials;
import io.confbridge.call.NewCall;
import io.confbridge.sip.digest.DigestAuthenticator;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.SipLogin;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.confbridge.sip.support.SipLogin.param;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Organizers' softphones authenticating with SIP digest (RFC 3261 §22, RFC 7616/8760) against a real
 * SipServer over UDP on 127.0.0.1, with accounts from a plain map standing in for the store.
 */
class SipDigestAuthenticationTest {

    private static final String REALM = "confbridge";
    private static final long ORGANIZER = 42;
    private static final String OFFER = String.join("\r\n", "v=0", "o=alice 1 1 IN IP4 127.0.0.1", "s=Talk",
            "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 7078 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000") + "\r\n";

    private final RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
    private final Map<String, DigestAccount> accounts =
            Map.of("alice", DigestAccount.of(ORGANIZER, "alice", REALM, "Circle of Life"));
    private final SipCredentials credentials = username -> Optional.ofNullable(accounts.get(username));
    private final AtomicLong nowNs = new AtomicLong(1_000_000_000L);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final RecordingGuard guard = new RecordingGuard();
    private SipTestClient client;

    /** A guard that refuses the usernames in {@code refusing} and records every failure it is told of. */
    private static final class RecordingGuard implements DigestGuard {
        final Set<String> refusing = ConcurrentHashMap.newKeySet();
        final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public boolean refuses(String username, String sourceAddress) {
            return refusing.contains(username);
        }

        @Override
        public void failed(String username, String sourceAddress, boolean refused) {
            failures.add(username + "@" + sourceAddress + (refused ? " refused" : " wrong"));
        }
    }

    @BeforeEach
    void start() throws Exception {
        int port = FreePorts.sipPort();
        SipServer server = new SipServer(TestSipConfig.on(port).udpOnly().build(),
                acceptor, credentials, new DigestAuthenticator(REALM), nowNs::get, guard);
        toClose.add(server);
        server.start();
        client = SipTestClient.udp(port);
        toClose.add(0, client);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** Sends an INVITE without credentials, expects the 401 and ACKs it. */
    private SipMessage challenged(TestDialog dialog) throws Exception {
        client.send(dialog.invite(OFFER));
        SipMessage unauthorized = client.awaitResponse(401, "INVITE", dialog.callId());
        client.send(dialog.ack(unauthorized));
        return unauthorized;
    }

    private String answer(SipMessage unauthorized, DigestAlgorithm algorithm, String password, TestDialog dialog,
                          String nc) {
        return authorization(unauthorized, algorithm, "alice", password, "INVITE", dialog.requestUri(), nc);
    }

    /** An {@code Authorization} header line (with CRLF) answering the 401's challenge for {@code algorithm}. */
    private static String authorization(SipMessage unauthorized, DigestAlgorithm algorithm, String username,
                                        String password, String method, String uri, String nc) {
        return "Authorization: " + new SipLogin(username, password, algorithm.token())
                .answer(unauthorized.headerLines("WWW-Authenticate"), method, uri, nc).authorization() + "\r\n";
    }

    private static String challengeFor(SipMessage unauthorized, DigestAlgorithm algorithm) {
        return SipLogin.challengeFor(unauthorized.headerLines("WWW-Authenticate"), algorithm.token());
    }

    private NewCall answeredCall(TestDialog dialog) throws Exception {
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(ok));
        return acceptor.call(dialog.callId());
    }

    @Test
    void knownUsersInviteIsChallengedWithSha256ThenMd5() throws Exception {
        TestDialog dialog = client.dialog("4711001").from("alice");
        SipMessage unauthorized = challenged(dialog);

        List<String> challenges = unauthorized.headerLines("WWW-Authenticate");
        assertEquals(2, challenges.size(), unauthorized.toString());
        assertEquals("SHA-256", param(challenges.get(0), "algorithm"), challenges.get(0));
        assertEquals("MD5", param(challenges.get(1), "algorithm"), challenges.get(1));
        for (String challenge : challenges) {
            assertTrue(challenge.startsWith("Digest "), challenge);
            assertEquals(REALM, param(challenge, "realm"), challenge);
            assertTrue(challenge.contains("qop=\"auth\""), challenge);
            assertTrue(param(challenge, "nonce").length() > 20, challenge);
            assertTrue(param(challenge, "opaque") != null, challenge);
            assertNull(param(challenge, "stale"), challenge);
        }
        assertTrue(acceptor.calls.isEmpty(), "the core heard nothing of a challenged INVITE");
    }

    @Test
    void correctMd5AnswerJoinsAsOrganizer() throws Exception {
        TestDialog dialog = client.dialog("4711001").from("alice");
        SipMessage unauthorized = challenged(dialog);
        client.send(dialog.inviteWithHeaders(answer(unauthorized, DigestAlgorithm.MD5, "Circle of Life", dialog, "00000001"), OFFER));
        assertEquals(ORGANIZER, answeredCall(dialog).authenticatedOrganizerId());
    }

    @Test
    void correctSha256AnswerJoinsAsOrganizer() throws Exception {
        TestDialog dialog = client.dialog("4711001").from("alice");
        SipMessage unauthorized = challenged(dialog);
        client.send(dialog.inviteWithHeaders(answer(unauthorized, DigestAlgorithm.SHA_256, "Circle of Life", dialog, "00000001"), OFFER));
        NewCall call = answeredCall(dialog);
        assertEquals(ORGANIZER, call.authenticatedOrganizerId());
        assertEquals("4711001", call.requestUriUser());
    }

    @Test
    void wrongPasswordIsAnsweredButAnonymous() throws Exception {
        TestDialog dialog = client.dialog("4711001").from("alice");
        SipMessage unauthorized = challenged(dialog);
        client.send(dialog.inviteWithHeaders(answer(unauthorized, DigestAlgorithm.SHA_256, "circle of life", dialog, "00000001"), OFFER));
        assertEquals(NewCall.ANONYMOUS, answeredCall(dialog).authenticatedOrganizerId());
    }

    @Test
    void replayedNonceCountIsChallengedAgainAndAHigherCountIsAccepted() throws Exception {
        TestDialog first = client.dialog("4711001").from("alice");
        SipMessage unauthorized = challenged(first);
        String credentials = answer(unauthorized, DigestAlgorithm.SHA_256, "Circle of Life", first, "00000001");
        client.send(first.inviteWithHeaders(credentials, OFFER));
        assertEquals(ORGANIZER, answeredCall(first).authenticatedOrganizerId());

        // Someone who captured that INVITE sends its Authorization again in a call of their own.
        TestDialog replay = client.dialog("4711001").from("alice");
        client.send(replay.inviteWithHeaders(credentials, OFFER));
        SipMessage again = client.awaitResponse(401, "INVITE", replay.callId());
        client.send(replay.ack(again));
        assertEquals(2, again.headerLines("WWW-Authenticate").size());
        assertTrue(acceptor.calls.stream().noneMatch(c -> c.callId().equals(replay.callId())));

        // The softphone itself may reuse the nonce with the next count (RFC 7616 §3.4).
        TestDialog next = client.dialog("4711001").from("alice");
        client.send(next.inviteWithHeaders(answer(unauthorized, DigestAlgorithm.SHA_256, "Circle of Life", next, "00000002"), OFFER));
        assertEquals(ORGANIZER, answeredCall(next).authenticatedOrganizerId());
    }

    @Test
    void expiredNonceIsChallengedAgainWithStale() throws Exception {
        TestDialog dialog = client.dialog("4711001").from("alice");
        SipMessage unauthorized = challenged(dialog);
        nowNs.addAndGet(TimeUnit.MINUTES.toNanos(6));
        client.send(dialog.inviteWithHeaders(answer(unauthorized, DigestAlgorithm.MD5, "Circle of Life", dialog, "00000001"), OFFER));
        SipMessage stale = client.awaitResponse(401, "INVITE", dialog.callId());
        client.send(dialog.ack(stale));
        for (String challenge : stale.headerLines("WWW-Authenticate")) {
            assertEquals("true", param(challenge, "stale"), challenge);
            assertFalse(param(challenge, "nonce").equals(param(challengeFor(unauthorized, DigestAlgorithm.MD5), "nonce")));
        }

        client.send(dialog.inviteWithHeaders(answer(stale, DigestAlgorithm.MD5, "Circle of Life", dialog, "00000001"), OFFER));
        assertEquals(ORGANIZER, answeredCall(dialog).authenticatedOrganizerId());
    }

    @Test
    void unknownFromUserIsAnsweredAtOnceAndAnonymously() throws Exception {
        TestDialog dialog = client.dialog("4711001").from("bob");
        client.send(dialog.invite(OFFER));
        assertEquals(NewCall.ANONYMOUS, answeredCall(dialog).authenticatedOrganizerId());
        assertFalse(client.everReceived(m -> m.statusCode() == 401), "no challenge for a caller without an account");
    }

    @Test
    void registerIsChallengedThenAcceptedWithContactAndExpiresEchoed() throws Exception {
        TestDialog dialog = client.dialog("alice").from("alice");
        client.send(dialog.request("REGISTER", TestDialog.branch(), 1, "REGISTER", "Expires: 600\r\n", null, null));
        SipMessage unauthorized = client.awaitResponse(401, "REGISTER");
        assertEquals(2, unauthorized.headerLines("WWW-Authenticate").size());

        String auth = authorization(unauthorized, DigestAlgorithm.SHA_256, "alice", "Circle of Life", "REGISTER", dialog.requestUri(), "00000001");
        client.send(dialog.request("REGISTER", TestDialog.branch(), 2, "REGISTER", "Expires: 600\r\n" + auth, null, null));
        SipMessage ok = client.awaitResponse(200, "REGISTER");
        assertEquals("600", ok.header("Expires").orElse(null));
        assertTrue(ok.header("Contact").orElse(null).contains("sip:alice@127.0.0.1:" + client.localPort()), ok.header("Contact").orElse(null));

        client.send(dialog.options());
        SipMessage options = client.awaitResponse(200, "OPTIONS");
        assertTrue(String.join(",", options.headerLines("Allow")).contains("REGISTER"), options.toString());
    }

    @Test
    void registerWithWrongPasswordIsForbidden() throws Exception {
        TestDialog dialog = client.dialog("alice").from("alice");
        client.send(dialog.request("REGISTER", TestDialog.branch(), 1, "REGISTER", "", null, null));
        SipMessage unauthorized = client.awaitResponse(401, "REGISTER");
        String auth = authorization(unauthorized, DigestAlgorithm.MD5, "alice", "guess", "REGISTER", dialog.requestUri(), "00000001");
        client.send(dialog.request("REGISTER", TestDialog.branch(), 2, "REGISTER", auth, null, null));
        client.awaitResponse(403, "REGISTER");
    }

    /** Issue 9 §3 replaced the 404 for an unknown username: REGISTER must not tell which usernames exist. */
    @Test
    void registerAnswersKnownAndUnknownUsernamesAlikeWithAChallengeThenForbidden() throws Exception {
        for (String user : List.of("mallory", "alice")) {
            TestDialog dialog = client.dialog(user).from(user);
            client.send(dialog.request("REGISTER", TestDialog.branch(), 1, "REGISTER", "", null, null));
            SipMessage unauthorized = client.awaitResponse(401, "REGISTER", dialog.callId());
            assertEquals(2, unauthorized.headerLines("WWW-Authenticate").size(), user);
            String auth = authorization(unauthorized, DigestAlgorithm.SHA_256, user, "guess", "REGISTER", dialog.requestUri(), "00000001");
            client.send(dialog.request("REGISTER", TestDialog.branch(), 2, "REGISTER", auth, null, null));
            client.awaitResponse(403, "REGISTER", dialog.callId());
        }
        assertFalse(client.everReceived(m -> m.statusCode() == 404), "no 404 tells an unknown username apart");
        await().atMost(5, TimeUnit.SECONDS).until(() -> guard.failures.size() == 2);
        assertEquals(List.of("mallory@127.0.0.1 wrong", "alice@127.0.0.1 wrong"), guard.failures);
    }

    @Test
    void wrongInviteResponsesAreCountedPerUsernameAndSource() throws Exception {
        TestDialog dialog = client.dialog("4711001").from("alice");
        SipMessage unauthorized = challenged(dialog);
        client.send(dialog.inviteWithHeaders(answer(unauthorized, DigestAlgorithm.SHA_256, "guess", dialog, "00000001"), OFFER));

        assertEquals(NewCall.ANONYMOUS, answeredCall(dialog).authenticatedOrganizerId());
        assertEquals(List.of("alice@127.0.0.1 wrong"), guard.failures);
    }

    @Test
    void whileTheUsernameIsLockedEvenTheRightPasswordIsNotCheckedAndCountsAgainstTheSourceOnly() throws Exception {
        TestDialog dialog = client.dialog("4711001").from("alice");
        SipMessage unauthorized = challenged(dialog);
        guard.refusing.add("alice");
        client.send(dialog.inviteWithHeaders(answer(unauthorized, DigestAlgorithm.SHA_256, "Circle of Life", dialog, "00000001"), OFFER));

        assertEquals(NewCall.ANONYMOUS, answeredCall(dialog).authenticatedOrganizerId(), "locked: the caller goes on anonymous");
        assertEquals(List.of("alice@127.0.0.1 refused"), guard.failures);

        TestDialog register = client.dialog("alice").from("alice");
        client.send(register.request("REGISTER", TestDialog.branch(), 1, "REGISTER", "", null, null));
        SipMessage challenge = client.awaitResponse(401, "REGISTER", register.callId());
        String auth = authorization(challenge, DigestAlgorithm.SHA_256, "alice", "Circle of Life", "REGISTER", register.requestUri(), "00000001");
        client.send(register.request("REGISTER", TestDialog.branch(), 2, "REGISTER", auth, null, null));
        client.awaitResponse(403, "REGISTER", register.callId());
        assertEquals(List.of("alice@127.0.0.1 refused", "alice@127.0.0.1 refused"), guard.failures);
    }
}
