package io.confbridge.server;

import io.confbridge.meeting.Meeting;
import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingPolicyOverrides;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.assertHearsPrompt;
import static io.confbridge.server.support.DialInSteps.awaitHearsPromptAmid;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
                Meeting.Status s = bridge.status(id);
                return s.started() && s.participantCount() == 1 && s.lobbyCount() == 0;
            });
            // Straight to "You are now joining the meeting.": no star offer, no lobby announcement.
            assertHearsPrompt(first, dialled, ENGLISH.get(Prompt.JOINING_MEETING));

            TestPhone second = bridge.newPhone("second-caller");
            dialAndAnswered(second, id);
            await("the next caller joins at once").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
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
            Meeting.Status s = bridge.status(id);
            assertTrue(!s.started() && s.lobbyCount() == 0, "lobby empty, meeting not started: " + s);
        }
    }

    @Test
    void callerBeyondTheParticipantLimitIsToldAndHungUp() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(false, new MeetingPolicyOverrides(null, null, 2, null, null));
            String id = meeting.conferenceId();
            TestPhone first = bridge.newPhone("first");
            TestPhone second = bridge.newPhone("second");
            dialAndAnswered(first, id);
            dialAndAnswered(second, id);
            await("two participants, the limit").atMost(IVR_STEP)
                    .until(() -> bridge.status(id).participantCount() == 2);

            TestPhone third = bridge.newPhone("third");
            long dialled = System.nanoTime();
            dialAndAnswered(third, id);
            awaitHearsPromptAmid(third, dialled, ENGLISH.get(Prompt.MEETING_FULL));
            assertTrue(third.awaitByeFromBridge(IVR_STEP), "the bridge hangs up on the caller it refused");
            Meeting.Status s = bridge.status(id);
            assertTrue(s.started() && s.participantCount() == 2 && s.lobbyCount() == 0,
                    "the two stay, nobody waits: " + s);
            assertFalse(first.byeReceivedFromBridge() || second.byeReceivedFromBridge(), "the two stay in");
        }
    }

    @Test
    void whenTheOrganizerLeavesEveryoneElseIsToldAndHungUp() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true, new MeetingPolicyOverrides(true, null, null, null, null));
            String id = meeting.conferenceId();
            TestPhone early = bridge.newPhone("early-guest");
            dialAndAnswered(early, id);
            await("guest in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 1);
            TestPhone organizer = bridge.newPhone("organizer");
            organizerDialsInWithPin(organizer, id, meeting.organizerPin());
            await("started with both").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 2);
            TestPhone late = bridge.newPhone("late-guest");
            dialAndAnswered(late, id);
            await("the late guest joins").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 3);

            long organizerLeft = System.nanoTime();
            assertEquals(200, organizer.hangUp());
            for (TestPhone guest : new TestPhone[] {early, late}) {
                assertTrue(guest.awaitByeFromBridge(IVR_STEP), guest.name() + " gets BYE when the organizer leaves");
                awaitHearsPromptAmid(guest, organizerLeft, ENGLISH.get(Prompt.ORGANIZER_LEFT));
            }
            await("the meeting is over").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
                return !s.started() && s.participantCount() == 0 && s.lobbyCount() == 0;
            });
        }
    }

    @Test
    void organizerAdmitsTheLobbyWithStarTwoOne() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true,
                    new MeetingPolicyOverrides(null, null, null, null, MeetingPolicy.AdmissionMode.ORGANIZER));
            String id = meeting.conferenceId();
            TestPhone early = bridge.newPhone("early-guest");
            dialAndAnswered(early, id);
            await("guest in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 1);

            TestPhone organizer = bridge.newPhone("organizer");
            organizerDialsInWithPin(organizer, id, meeting.organizerPin());
            await("the organizer starts the meeting alone").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
                return s.started() && s.participantCount() == 1;
            });
            await("the lobby is not admitted by the start").during(Duration.ofSeconds(2)).atMost(IVR_STEP)
                    .until(() -> bridge.status(id).lobbyCount() == 1 && bridge.status(id).participantCount() == 1);

            TestPhone late = bridge.newPhone("late-guest");
            long lateDialled = System.nanoTime();
            dialAndAnswered(late, id);
            await("a caller of the started meeting waits too").atMost(IVR_STEP)
                    .until(() -> bridge.status(id).lobbyCount() == 2);
            awaitHearsPromptAmid(late, lateDialled, ENGLISH.get(Prompt.WAITING_FOR_ADMISSION));

            type(organizer, "*21");
            await("*21 admits everyone waiting").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
                return s.started() && s.participantCount() == 3 && s.lobbyCount() == 0;
            });
            early.startTone(1000, -12);
            await("the organizer hears an admitted guest").atMost(IVR_STEP)
                    .until(() -> organizer.toneLevel(1000, Duration.ofSeconds(1)) > 0.6);
        }
    }
}
