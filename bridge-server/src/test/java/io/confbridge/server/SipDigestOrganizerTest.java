package io.confbridge.server;

import io.confbridge.meeting.Meeting;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.sip.support.SipLogin;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Organizers whose softphones have SIP credentials (issue #4 item 2): a correct digest answer starts the
 * meeting with no key typed, a wrong one leaves the caller an ordinary caller, and a captured answer
 * cannot be replayed. The whole bridge over real UDP on 127.0.0.1, accounts in its SQLite database.
 */
class SipDigestOrganizerTest {
    private static final String PASSWORD = "Circle of Life";

    @TempDir
    Path dataDir;

    /** A guest dials the meeting and waits in the lobby, the meeting not started. */
    private static TestPhone guestInLobby(RunningBridge bridge, String conferenceId) {
        TestPhone guest = bridge.newPhone("guest");
        dialAndAnswered(guest, conferenceId);
        await("guest in the lobby").atMost(IVR_STEP).until(() -> bridge.status(conferenceId).lobbyCount() == 1);
        assertFalse(bridge.status(conferenceId).started());
        return guest;
    }

    private static void awaitStartedWithLobbyAdmitted(RunningBridge bridge, String conferenceId) {
        await("the authenticated organizer starts the meeting and the lobby is admitted").atMost(IVR_STEP)
                .until(() -> {
                    Meeting.Status s = bridge.status(conferenceId);
                    return s.started() && s.participantCount() == 2 && s.lobbyCount() == 0;
                });
    }

    @Test
    void sha256CredentialsStartTheMeetingWithNoKeysTyped() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            bridge.setSipCredentials(meeting.organizerId(), "mufasa", PASSWORD);
            guestInLobby(bridge, id);

            TestPhone organizer = bridge.newPhone("organizer");
            organizer.signIn(SipLogin.sha256("mufasa", PASSWORD));
            dialAndAnswered(organizer, id);

            assertEquals(List.of(401, 200), organizer.inviteFinalStatuses(), "challenged once, then answered");
            SipLogin.Answer answered = organizer.lastDigestAnswer().orElseThrow();
            assertEquals("SHA-256", SipLogin.param(answered.challenge(), "algorithm"));
            assertEquals("confbridge", SipLogin.param(answered.challenge(), "realm"), "the default realm");
            awaitStartedWithLobbyAdmitted(bridge, id);
        }
    }

    @Test
    void md5CredentialsStartTheMeetingInAConfiguredRealm() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("sip.realm", "bridge.example.test").start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            bridge.setSipCredentials(meeting.organizerId(), "mufasa", PASSWORD);
            guestInLobby(bridge, id);

            TestPhone organizer = bridge.newPhone("organizer");
            organizer.signIn(SipLogin.md5("mufasa", PASSWORD));
            dialAndAnswered(organizer, id);

            assertEquals(List.of(401, 200), organizer.inviteFinalStatuses());
            SipLogin.Answer answered = organizer.lastDigestAnswer().orElseThrow();
            assertEquals("MD5", SipLogin.param(answered.challenge(), "algorithm"));
            assertEquals("bridge.example.test", SipLogin.param(answered.challenge(), "realm"));
            awaitStartedWithLobbyAdmitted(bridge, id);
        }
    }

    @Test
    void theChallengeOffersSha256ThenMd5WithQopAuth() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            bridge.setSipCredentials(meeting.organizerId(), "mufasa", PASSWORD);

            // A phone that claims the username but has no password configured gets the 401 as final.
            TestPhone claimant = bridge.newPhone("claimant");
            claimant.fromUser("mufasa");
            assertEquals(401, claimant.dial(meeting.conferenceId()));

            SipMessage unauthorized = claimant.finalInviteResponse().orElseThrow();
            List<String> challenges = unauthorized.headerLines("WWW-Authenticate");
            assertEquals(2, challenges.size(), challenges.toString());
            assertEquals("SHA-256", SipLogin.param(challenges.get(0), "algorithm"));
            assertEquals("MD5", SipLogin.param(challenges.get(1), "algorithm"));
            for (String challenge : challenges) {
                assertTrue(challenge.startsWith("Digest "), challenge);
                assertEquals("auth", SipLogin.param(challenge, "qop"), challenge);
            }
            assertEquals(0, bridge.server().liveCalls(), "a challenged INVITE makes no call");
        }
    }

    @Test
    void wrongPasswordIsAnsweredButDoesNotStartTheMeeting() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            bridge.setSipCredentials(meeting.organizerId(), "mufasa", PASSWORD);
            guestInLobby(bridge, id);

            TestPhone organizer = bridge.newPhone("organizer");
            organizer.signIn(SipLogin.sha256("mufasa", "circle of life"));
            dialAndAnswered(organizer, id);
            assertEquals(List.of(401, 200), organizer.inviteFinalStatuses(), "a wrong password is no rejection");

            // An anonymous caller: offered the star, which it does not press, then the lobby.
            await("the caller with the wrong password joins the lobby after the star window").atMost(IVR_STEP)
                    .until(() -> bridge.status(id).lobbyCount() == 2);
            Meeting.Status status = bridge.status(id);
            assertFalse(status.started(), "a wrong SIP password must not start the meeting");
            assertEquals(0, status.participantCount());
        }
    }

    @Test
    void replayedNonceAndCountAreChallengedAgain() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            bridge.setSipCredentials(meeting.organizerId(), "mufasa", PASSWORD);
            guestInLobby(bridge, id);

            TestPhone organizer = bridge.newPhone("organizer");
            organizer.signIn(SipLogin.sha256("mufasa", PASSWORD));
            dialAndAnswered(organizer, id);
            awaitStartedWithLobbyAdmitted(bridge, id);
            SipLogin.Answer used = organizer.lastDigestAnswer().orElseThrow();
            assertEquals(200, organizer.hangUp());
            await().atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 1);

            // The same Authorization (nonce and nc=00000001) again, in a call of its own.
            assertEquals(401, organizer.dialWithAuthorization(id, used.authorization()));
            SipMessage again = organizer.finalInviteResponse().orElseThrow();
            List<String> challenges = again.headerLines("WWW-Authenticate");
            assertEquals(2, challenges.size(), challenges.toString());
            for (String challenge : challenges) {
                assertFalse(used.nonce().equals(SipLogin.param(challenge, "nonce")), "a fresh nonce: " + challenge);
            }
            assertEquals(1, bridge.status(id).participantCount(), "the replay joined nobody");
        }
    }
}
