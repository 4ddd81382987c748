package io.confbridge.server;

import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitBridgeSpeaksAfter;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.awaitHearsPromptAmid;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 9 §2: past {@code limits.conferenceIdFailuresPerSource} wrong conference IDs in a minute, every call
 * of that source hears "Goodbye" and gets a BYE, and its next INVITE gets 503.
 */
class ConferenceIdScanBanTest {
    private static final PromptLibrary ENGLISH = PromptLibrary.builtIn("en");

    @TempDir
    Path dataDir;

    @Test
    void aSourceThatScansConferenceIdsIsToldGoodbyeAndRefused() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("limits.conferenceIdFailuresPerSource", "2").start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            // A call of the same source (every test phone is 127.0.0.1) waiting in a real meeting's lobby.
            TestPhone waiting = bridge.newPhone("waiting");
            dialAndAnswered(waiting, meeting.conferenceId());
            await("the call waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);

            long scanStart = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                TestPhone scanner = bridge.newPhone("scanner-" + i);
                dialAndAnswered(scanner, "bridge");
                awaitHearing(scanner);
                long typedAt = type(scanner, "10000000" + i + "#");
                awaitBridgeSpeaksAfter(scanner, typedAt);
            }

            awaitHearsPromptAmid(waiting, scanStart, ENGLISH.get(Prompt.GOODBYE));
            await("then the bridge hangs up on it").atMost(IVR_STEP).until(waiting::byeReceivedFromBridge);
            await("and the lobby is empty").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 0);
            assertEquals(503, bridge.newPhone("next").dial("bridge"), "a new call from the banned source");
        }
    }
}
