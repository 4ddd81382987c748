package io.confbridge.server;

import io.confbridge.meeting.Meeting;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitBridgeSpeaksAfter;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting a meeting (SPEC §2 steps 3, 5–7): the organizer's PIN, wrong PINs, meetings without a PIN. */
class OrganizerStartTest {
    private static final Duration TONE_WINDOW = Duration.ofSeconds(1);
    private static final double TONE_PRESENT = 0.6;
    private static final double TONE_ABSENT = 0.1;

    @TempDir
    Path dataDir;

    @Test
    void organizerPinAdmitsLobbyAndMixMinusHolds() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            TestPhone guest = bridge.newPhone("guest");
            dialAndAnswered(guest, id);
            await("guest in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 1);

            TestPhone organizer = bridge.newPhone("organizer");
            organizerDialsInWithPin(organizer, id, meeting.organizerPin());
            await("organizer starts the meeting and the lobby is admitted").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
                return s.started() && s.participantCount() == 2 && s.lobbyCount() == 0;
            });

            guest.startTone(400, -12);
            organizer.startTone(1000, -12);
            await("guest hears the organizer's 1 kHz").atMost(IVR_STEP)
                    .untilAsserted(() -> assertTrue(guest.toneLevel(1000, TONE_WINDOW) > TONE_PRESENT,
                            "1 kHz level at guest " + guest.toneLevel(1000, TONE_WINDOW)));
            await("organizer hears the guest's 400 Hz").atMost(IVR_STEP)
                    .untilAsserted(() -> assertTrue(organizer.toneLevel(400, TONE_WINDOW) > TONE_PRESENT,
                            "400 Hz level at organizer " + organizer.toneLevel(400, TONE_WINDOW)));
            // Mix-minus: while each clearly hears the other, neither hears itself.
            double ownAtOrganizer = organizer.toneLevel(1000, TONE_WINDOW);
            double ownAtGuest = guest.toneLevel(400, TONE_WINDOW);
            assertTrue(ownAtOrganizer < TONE_ABSENT, "organizer hears own 1 kHz at " + ownAtOrganizer);
            assertTrue(ownAtGuest < TONE_ABSENT, "guest hears own 400 Hz at " + ownAtGuest);

            assertEquals(200, guest.hangUp());
            await().atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 1);
            assertEquals(200, organizer.hangUp());
            await("the meeting ends with its last participant").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
                return !s.started() && s.participantCount() == 0 && s.lobbyCount() == 0;
            });
        }
    }

    @Test
    void wrongPinThreeTimesLeavesCallerInLobbyAndMeetingNotStarted() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            TestPhone guesser = bridge.newPhone("guesser");
            dialAndAnswered(guesser, id);
            awaitHearing(guesser);

            long typedAt = type(guesser, "*" + meeting.wrongPin() + "#");
            awaitBridgeSpeaksAfter(guesser, typedAt);
            typedAt = type(guesser, meeting.wrongPin() + "#");
            awaitBridgeSpeaksAfter(guesser, typedAt);
            type(guesser, meeting.wrongPin() + "#");

            await("after three wrong PINs the caller goes on as an ordinary caller").atMost(IVR_STEP)
                    .until(() -> bridge.status(id).lobbyCount() == 1);
            Meeting.Status status = bridge.status(id);
            assertFalse(status.started(), "wrong PINs must not start the meeting");
            assertEquals(0, status.participantCount());
        }
    }

    @Test
    void meetingWithoutPinRequirementStartsWithFirstCaller() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(false);
            String id = meeting.conferenceId();
            assertFalse(bridge.status(id).started(), "nobody has dialled in yet");

            TestPhone first = bridge.newPhone("first-caller");
            dialAndAnswered(first, id);
            await("the first caller starts the meeting").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
                return s.started() && s.participantCount() == 1 && s.lobbyCount() == 0;
            });
        }
    }
}
