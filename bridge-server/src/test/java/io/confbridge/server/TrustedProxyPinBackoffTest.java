package io.confbridge.server;

import io.confbridge.meeting.Meeting;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitBridgeSpeaksAfter;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 §2, {@code sip.trustedProxies}: behind a trusted proxy (here 127.0.0.1, where every test phone
 * calls from) the PIN back-off keys on the caller's identity, not on the proxy's address. Five wrong PINs
 * from one caller put that caller in back-off and leave another caller behind the same address alone.
 */
class TrustedProxyPinBackoffTest {

    @TempDir
    Path dataDir;

    @Test
    void fiveWrongPinsFromOneCallerBehindATrustedProxyDoNotSlowDownAnother() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir)
                .with("sip.trustedProxies", "127.0.0.1/32")
                .with("ivr.pinTries", "5")
                // Back-off from the second wrong PIN on, 8 s after the fifth: well past the organizer's entry.
                .with("lockout.sourceFreeFailures", "2")
                .with("lockout.organizerMaxFailures", "100")
                .start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();

            TestPhone guesser = bridge.newPhone("guesser");
            guesser.fromUser("mallory");
            dialAndAnswered(guesser, id);
            awaitHearing(guesser);
            long typedAt = type(guesser, "*" + meeting.wrongPin() + "#");
            for (int i = 1; i < 5; i++) {
                awaitBridgeSpeaksAfter(guesser, typedAt);
                typedAt = type(guesser, meeting.wrongPin() + "#");
            }
            await("after five wrong PINs the guesser waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(id).lobbyCount() == 1);
            assertFalse(bridge.status(id).started());
            String audit = bridge.admin("GET", "/api/audit?limit=50", null).body();
            assertTrue(audit.contains("address:caller:mallory"), "the back-off is the guesser's own: " + audit);
            assertFalse(audit.contains("address:127.0.0.1"), "not the proxy's: " + audit);

            TestPhone organizer = bridge.newPhone("organizer");
            organizer.fromUser("alice");
            organizerDialsInWithPin(organizer, id, meeting.organizerPin());
            await("the other caller's right PIN starts the meeting at once").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
                return s.started() && s.participantCount() == 2;
            });
        }
    }
}
