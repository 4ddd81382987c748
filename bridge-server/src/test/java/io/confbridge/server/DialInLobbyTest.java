package io.confbridge.server;

import io.confbridge.meeting.Meeting;
import io.confbridge.codec.Codec;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SdpAnswer;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitBridgeSpeaksAfter;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A caller's way from INVITE to the lobby (SPEC §2 steps 1–4), over real SIP and RTP on loopback. */
class DialInLobbyTest {
    private static final Duration CADENCE_WINDOW = Duration.ofSeconds(2);
    /** Lenient on purpose: 20 ms is the nominal gap; the strict numbers are the benchmark's job. */
    private static final Duration MAX_P99_GAP = Duration.ofMillis(60);

    @TempDir
    Path dataDir;

    @Test
    void callerHearsPromptThenHoldMusicAfterConferenceId() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = bridge.newPhone("caller");

            dialAndAnswered(caller, "bridge");
            SdpAnswer answer = caller.answer();
            assertTrue(Set.of(Codec.PCMU, Codec.PCMA).contains(answer.codec()), answer.text());
            assertTrue(answer.telephoneEventPt().isPresent(), "telephone-event accepted:\n" + answer.text());

            awaitHearing(caller);
            // Typed over the welcome prompt: barge-in makes the keys count at once.
            type(caller, meeting.conferenceId() + "#");

            await("caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
            assertFalse(bridge.status(meeting.conferenceId()).started(), "nobody started the meeting");

            await("hold music flows at a 20 ms cadence").atMost(IVR_STEP).untilAsserted(() -> {
                List<?> recent = caller.receivedSince(System.nanoTime() - CADENCE_WINDOW.toNanos());
                assertTrue(recent.size() >= 90, "packets in 2 s: " + recent.size());
                assertTrue(caller.isHearingAudio(CADENCE_WINDOW), "RMS " + caller.audioRms(CADENCE_WINDOW));
                Duration p99 = caller.p99InterArrivalGap(CADENCE_WINDOW);
                assertTrue(p99.compareTo(MAX_P99_GAP) < 0, "p99 inter-arrival gap " + p99);
            });
            assertEquals(1, bridge.status(meeting.conferenceId()).lobbyCount());
        }
    }

    @Test
    void anonymousCallerAloneNeverStartsMeeting() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = bridge.newPhone("anonymous");

            dialAndAnswered(caller, meeting.conferenceId());
            awaitHearing(caller);
            await("caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);

            // Long past the 500 ms organizer-star window: nothing may change by itself.
            await("meeting stays not started").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> {
                        Meeting.Status status = bridge.status(meeting.conferenceId());
                        return !status.started() && status.lobbyCount() == 1 && status.participantCount() == 0;
                    });
            assertTrue(caller.isHearingAudio(Duration.ofSeconds(1)), "hold music while waiting");
        }
    }

    @Test
    void unknownConferenceIdThreeTimesGetsGoodbyeAndBye() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            String unknownId = idThatIsNoMeeting(bridge);
            TestPhone caller = bridge.newPhone("lost-caller");

            dialAndAnswered(caller, "bridge");
            awaitHearing(caller);
            for (int failure = 1; failure <= 3; failure++) {
                long typedAt = type(caller, unknownId + "#");
                if (failure < 3) {
                    // "That conference ID was not found." and the prompt again, typed over at once.
                    awaitBridgeSpeaksAfter(caller, typedAt);
                }
            }

            assertTrue(caller.awaitByeFromBridge(IVR_STEP), "bridge hangs up after the third unknown ID");
            assertFalse(bridge.status(unknownId).started());
        }
    }

    /** A 7-digit ID (no leading zero, like real ones) that is not the demo meeting's, the only one there is. */
    private static String idThatIsNoMeeting(RunningBridge bridge) {
        String demoId = bridge.server().demo().map(BridgeServer.DemoCredentials::conferenceId).orElse("");
        return "1234567".equals(demoId) ? "7654321" : "1234567";
    }
}
