package io.confbridge.server;

import io.confbridge.auth.DigestAlgorithm;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.sip.support.SipLogin;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Online guessing of a SIP password (issue 9 §3), against the whole bridge over UDP on 127.0.0.1: ten
 * failed REGISTERs lock the username, the administrator sees the lock and clears it.
 */
class SipDigestLockoutTest {
    private static final String PASSWORD = "Circle of Life";

    @TempDir
    Path dataDir;

    /** A REGISTER for {@code user}: challenged first, then answered with {@code password}; the final status. */
    private static int register(SipTestClient client, String user, String password) throws Exception {
        TestDialog dialog = client.dialog(user).from(user);
        client.send(dialog.request("REGISTER", TestDialog.branch(), 1, "REGISTER", "", null, null));
        SipMessage unauthorized = client.awaitResponse(401, "REGISTER", dialog.callId());
        String auth = "Authorization: " + new SipLogin(user, password, DigestAlgorithm.SHA_256.token())
                .answer(unauthorized.headerLines("WWW-Authenticate"), "REGISTER", dialog.requestUri(), "00000001")
                .authorization() + "\r\n";
        client.send(dialog.request("REGISTER", TestDialog.branch(), 2, "REGISTER", auth, null, null));
        SipMessage answer = client.await("final answer to the REGISTER", m -> m.isResponse()
                && "REGISTER".equals(m.method()) && dialog.callId().equals(m.callId()) && m.statusCode() >= 200
                && m.statusCode() != 401);
        return answer.statusCode();
    }

    @Test
    void tenFailedRegistersLockTheUsernameVisiblyUntilTheAdministratorClearsIt() throws Exception {
        // The source's own back-off is left out of the way: this test is about the username's lock.
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("lockout.sourceFreeFailures", "100").start();
             SipTestClient client = SipTestClient.udp(bridge.sipPort())) {
            TestMeeting meeting = bridge.newMeeting(true);
            bridge.setSipCredentials(meeting.organizerId(), "mufasa", PASSWORD);
            String user = "/api/users/" + bridge.organizerEmail(meeting.organizerId());
            assertEquals(200, register(client, "mufasa", PASSWORD), "the right password registers");

            for (int i = 0; i < 10; i++) {
                assertEquals(403, register(client, "mufasa", "guess " + i));
            }
            await("the lock shows in the user view").atMost(Duration.ofSeconds(10))
                    .until(() -> bridge.admin("GET", user, null).body().contains("\"sipLocked\":true"));
            String view = bridge.admin("GET", user, null).body();
            assertTrue(view.contains("\"recentSipFailures\":10"), view);

            assertEquals(403, register(client, "mufasa", PASSWORD), "locked: even the right password is refused");
            assertTrue(bridge.admin("GET", "/api/audit", null).body().contains("sip.lockout"));

            assertEquals(200, bridge.admin("POST", user + "/clear-lockout", null).status());
            assertFalse(bridge.admin("GET", user, null).body().contains("\"sipLocked\":true"));
            assertEquals(200, register(client, "mufasa", PASSWORD), "cleared: the right password registers again");
        }
    }
}
