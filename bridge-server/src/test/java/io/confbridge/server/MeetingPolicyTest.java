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
import static io.confbridge.server.support.DialInSteps.assertHearsPrompt;
import static io.confbridge.server.support.DialInSteps.awaitHearsPromptAmid;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A meeting's policies as callers meet them (SPEC §2 steps 4–7, issue #4): PIN not required, lobby
 * timeout, participant limit, end on organizer leave, admission by the organizer.
 */
class MeetingPolicyTest {
    private static final PromptLibrary ENGLISH = PromptLibrary.builtIn("en");

    @TempDir
    Path dataDir;

    @Test
    void meetingWithoutPinStartsWithItsFirstCallerWhoIsNotAskedForOne() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(false);
            String id = meeting.conferenceId();
            TestPhone first = bridge.newPhone("first-caller");
            long dialled = System.nanoTime();
            dialAndAnswered(first, id);

            await("the first anonymous caller starts the meeting").atMost(IVR_STEP).until(() -> {
                BridgeServer.MeetingStatus s = bridge.status(id);
                return s.started() && s.participantCount() == 1 && s.lobbyCount() == 0;
            });
            // Straight to "You are now joining the meeting.": no star offer, no lobby announcement.
            assertHearsPrompt(first, dialled, ENGLISH.get(Prompt.JOINING_MEETING));

            TestPhone second = bridge.newPhone("second-caller");
            dialAndAnswered(second, id);
            await("the next caller joins at once").atMost(IVR_STEP).until(() -> {
                BridgeServer.MeetingStatus s = bridge.status(id);
                return s.participantCount() == 2 && s.lobbyCount() == 0;
            });
        }
    }

    @Test
    void lobbyTimeoutSaysSoAndHangsUp() throws Exception {
        // The node's bound on the lobby wait, far below the meeting's 60 minutes: the bound applies.
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("ivr.lobbyTimeoutMs", "3000").start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            TestPhone guest = bridge.newPhone("patient-guest");
            long dialled = System.nanoTime();
            dialAndAnswered(guest, id);
            await("guest in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 1);

            assertTrue(guest.awaitByeFromBridge(IVR_STEP), "the bridge hangs up when the lobby wait is over");
            awaitHearsPromptAmid(guest, dialled, ENGLISH.get(Prompt.LOBBY_TIMEOUT));
            BridgeServer.MeetingStatus s = bridge.status(id);
            assertTrue(!s.started() && s.lobbyCount() == 0, "lobby empty, meeting not started: " + s);
        }
    }
}
