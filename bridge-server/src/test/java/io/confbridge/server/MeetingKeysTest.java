package io.confbridge.server;

import io.confbridge.meeting.Meeting;
import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.assertHearsPrompt;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys that work after the conference ID: {@code *6} and {@code *1} in the meeting (SPEC §2 step 7), and
 * {@code *} with the PIN from the lobby (step 4).
 */
class MeetingKeysTest {
    private static final Duration TONE_WINDOW = Duration.ofSeconds(1);
    private static final double TONE_PRESENT = 0.6;
    private static final double TONE_ABSENT = 0.1;
    private static final PromptLibrary ENGLISH = PromptLibrary.builtIn("en");

    @TempDir
    Path dataDir;

    @Test
    void starSixMutesAndStarSixAgainUnmutes() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone guest = bridge.newPhone("guest");
            TestPhone organizer = bridge.newPhone("organizer");
            startedMeetingOfTwo(bridge, meeting, guest, organizer);

            organizer.startTone(1000, -12);
            awaitGuestHearsTone(guest, "before *6");

            long beforeMute = System.nanoTime();
            type(organizer, "*6");
            await("guest no longer hears the muted organizer").atMost(IVR_STEP)
                    .untilAsserted(() -> assertTrue(guest.toneLevel(1000, TONE_WINDOW) < TONE_ABSENT,
                            "1 kHz level at guest " + guest.toneLevel(1000, TONE_WINDOW)));
            // The confirmation goes to the organizer alone, over the guest's silence.
            assertHearsPrompt(organizer, beforeMute, ENGLISH.get(Prompt.MUTED));

            long beforeUnmute = System.nanoTime();
            type(organizer, "*6");
            awaitGuestHearsTone(guest, "after the second *6");
            assertHearsPrompt(organizer, beforeUnmute, ENGLISH.get(Prompt.UNMUTED));
        }
    }

    @Test
    void starOneSpeaksTheKeysOfEachRole() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone guest = bridge.newPhone("guest");
            TestPhone organizer = bridge.newPhone("organizer");
            startedMeetingOfTwo(bridge, meeting, guest, organizer);

            long beforeGuestHelp = System.nanoTime();
            type(guest, "*1");
            assertHearsPrompt(guest, beforeGuestHelp, ENGLISH.get(Prompt.KEY_HELP));

            long beforeOrganizerHelp = System.nanoTime();
            type(organizer, "*1");
            assertHearsPrompt(organizer, beforeOrganizerHelp, ENGLISH.get(Prompt.KEY_HELP_ORGANIZER));
        }
    }

    @Test
    void organizerInLobbyPressesStarAndPinAndEveryoneIsAdmitted() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            TestPhone first = bridge.newPhone("first-guest");
            TestPhone second = bridge.newPhone("second-guest");
            dialAndAnswered(first, id);
            dialAndAnswered(second, id);
            await("two guests in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 2);

            // The organizer lets the star offer pass, as one who was not ready, and waits with the guests.
            TestPhone organizer = bridge.newPhone("late-organizer");
            dialAndAnswered(organizer, id);
            await("organizer waits in the lobby too").atMost(IVR_STEP)
                    .until(() -> bridge.status(id).lobbyCount() == 3);
            assertFalse(bridge.status(id).started());

            type(organizer, "*" + meeting.organizerPin() + "#");
            await("the lobby PIN starts the meeting and admits everyone").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
                return s.started() && s.participantCount() == 3 && s.lobbyCount() == 0;
            });

            // Admitted for real: a guest's voice reaches the organizer.
            first.startTone(1000, -12);
            await("organizer hears the first guest").atMost(IVR_STEP)
                    .untilAsserted(() -> assertTrue(organizer.toneLevel(1000, TONE_WINDOW) > TONE_PRESENT,
                            "1 kHz level at organizer " + organizer.toneLevel(1000, TONE_WINDOW)));
        }
    }

    /** A guest waits in the lobby, the organizer dials in with the PIN: both in a started meeting. */
    private static void startedMeetingOfTwo(RunningBridge bridge, TestMeeting meeting, TestPhone guest,
                                            TestPhone organizer) {
        String id = meeting.conferenceId();
        dialAndAnswered(guest, id);
        await("guest in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 1);
        organizerDialsInWithPin(organizer, id, meeting.organizerPin());
        await("meeting started with both").atMost(IVR_STEP).until(() -> {
            Meeting.Status s = bridge.status(id);
            return s.started() && s.participantCount() == 2 && s.lobbyCount() == 0;
        });
        // The join prompts and tones are over once neither hears anything: the meeting's own silence.
        await("join announcements over").atMost(IVR_STEP)
                .until(() -> !guest.isHearingAudio(TONE_WINDOW) && !organizer.isHearingAudio(TONE_WINDOW));
    }

    private static void awaitGuestHearsTone(TestPhone guest, String when) {
        await("guest hears the organizer's 1 kHz " + when).atMost(IVR_STEP)
                .untilAsserted(() -> assertTrue(guest.toneLevel(1000, TONE_WINDOW) > TONE_PRESENT,
                        "1 kHz level at guest " + guest.toneLevel(1000, TONE_WINDOW)));
    }
}
