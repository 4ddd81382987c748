package io.confbridge.server;

import io.confbridge.meeting.Meeting;
import io.confbridge.server.support.DialInSteps;
import io.confbridge.server.support.KeyPath;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SdpOffer;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitBridgeSpeaksAfter;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ways a key press reaches the bridge (SPEC §2 step 9): RFC 4733 events, SIP INFO, in-band tones, and
 * a press sent on two of them at once, which must count once. Each test types the whole dial-in by one
 * means, conference ID and PIN, so that a lost or doubled key shows as a caller who never gets in.
 */
class DtmfPathsTest {

    /** Callers who each type the ID as a burst of INFOs: one swap among them fails the test. */
    private static final int CALLERS_BACK_TO_BACK = 10;

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(KeyPath.class)
    void conferenceIdAndPinOnOnePathStartTheMeeting(KeyPath path) throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            TestPhone guest = guestInLobby(bridge, id);

            // A phone that sends keys in-band says so by leaving telephone-event out of its offer.
            SdpOffer offer = path == KeyPath.IN_BAND ? SdpOffer.NO_TELEPHONE_EVENT : SdpOffer.PCMU_PCMA_TELEPHONE_EVENT;
            TestPhone organizer = bridge.newPhone("organizer-" + path);
            dialIn(organizer, offer);
            if (path == KeyPath.IN_BAND) {
                assertTrue(organizer.answer().telephoneEventPt().isEmpty(),
                        "no telephone-event offered, none answered:\n" + organizer.answer().text());
            }
            typeConferenceIdAndPin(organizer, meeting, path);

            awaitStartedWithLobbyAdmitted(bridge, id, 2);
            assertFalse(guest.byeReceivedFromBridge(), "the guest stays in the meeting");
        }
    }

    @Test
    void infoInApplicationDtmfFormatIsReadToo() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = bridge.newPhone("info-caller");
            dialIn(caller, SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);

            caller.sendDtmfInfo(meeting.conferenceId() + "#", TestPhone.InfoFormat.DTMF);

            await("caller reaches the lobby by application/dtmf INFO").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
        }
    }

    @Test
    void infoKeysSentBackToBackKeepTheirOrder() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            // All dial first and then all type at once: their bursts interleave at the bridge as well.
            List<TestPhone> phones = new ArrayList<>();
            for (int caller = 1; caller <= CALLERS_BACK_TO_BACK; caller++) {
                TestPhone phone = bridge.newPhone("burst-" + caller);
                assertEquals(200, phone.dial("bridge", SdpOffer.PCMU_PCMA_TELEPHONE_EVENT), phone.name() + " dialling");
                phone.startSilence();
                phones.add(phone);
            }
            phones.forEach(DialInSteps::awaitHearing);
            for (TestPhone phone : phones) {
                phone.sendDtmfInfoBackToBack(id + "#", TestPhone.InfoFormat.DTMF_RELAY);
            }
            // A caller whose keys were swapped typed another ID: "not found", and never reaches the lobby.
            await("every caller's ID, INFO after INFO, finds the meeting").atMost(IVR_STEP)
                    .until(() -> bridge.status(id).lobbyCount() == CALLERS_BACK_TO_BACK);
        }
    }

    /** Pairs of paths a gateway might send one press on; in-band beside events needs {@code ivr.inbandDtmf}. */
    enum TwoPaths {
        EVENT_AND_INFO(KeyPath.RFC_4733, KeyPath.SIP_INFO),
        EVENT_AND_TONES(KeyPath.RFC_4733, KeyPath.IN_BAND),
        INFO_AND_TONES(KeyPath.SIP_INFO, KeyPath.IN_BAND);

        final KeyPath[] paths;

        TwoPaths(KeyPath... paths) {
            this.paths = paths;
        }
    }

    @ParameterizedTest
    @EnumSource(TwoPaths.class)
    void keyOnTwoPathsAtOnceCountsOnce(TwoPaths twoPaths) throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("ivr.inbandDtmf", "true").start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();

            // A doubled key would make the ID one digit longer: "not found" instead of the lobby.
            TestPhone guest = bridge.newPhone("guest-" + twoPaths);
            dialIn(guest, SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);
            guest.sendDtmfVia(id + "#", twoPaths.paths);
            await("the guest's ID, each key sent twice, finds the meeting").atMost(IVR_STEP)
                    .until(() -> bridge.status(id).lobbyCount() == 1);

            // And a doubled key would spoil the PIN: the meeting would not start.
            TestPhone organizer = bridge.newPhone("organizer-" + twoPaths);
            dialIn(organizer, SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);
            typeConferenceIdAndPin(organizer, meeting, twoPaths.paths);
            awaitStartedWithLobbyAdmitted(bridge, id, 2);
        }
    }

    /** A guest who dialled the meeting directly and now waits in its lobby. */
    private static TestPhone guestInLobby(RunningBridge bridge, String id) {
        TestPhone guest = bridge.newPhone("guest");
        assertEquals(200, guest.dial(id));
        guest.startSilence();
        await("guest waits in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 1);
        return guest;
    }

    /** Dials the bridge's general number, so the conference ID has to be typed, and waits for the welcome. */
    private static void dialIn(TestPhone phone, SdpOffer offer) {
        assertEquals(200, phone.dial("bridge", offer), phone.name() + " dialling the bridge");
        phone.startSilence();
        awaitHearing(phone);
    }

    /**
     * Types the conference ID and {@code #}, waits for the bridge's next prompt (keys typed while the ID is
     * looked up are dropped by design), then {@code *}, the PIN and {@code #}, all over {@code paths}.
     */
    private static void typeConferenceIdAndPin(TestPhone phone, TestMeeting meeting, KeyPath... paths) {
        phone.sendDtmfVia(meeting.conferenceId() + "#", paths);
        long typedAt = System.nanoTime();
        awaitBridgeSpeaksAfter(phone, typedAt);
        phone.sendDtmfVia("*" + meeting.organizerPin() + "#", paths);
        assertFalse(phone.byeReceivedFromBridge(), phone.name() + " still in the call after typing on "
                + Arrays.toString(paths));
    }

    private static void awaitStartedWithLobbyAdmitted(RunningBridge bridge, String id, int participants) {
        await("the organizer starts the meeting and the lobby is admitted").atMost(IVR_STEP).until(() -> {
            Meeting.Status s = bridge.status(id);
            return s.started() && s.participantCount() == participants && s.lobbyCount() == 0;
        });
    }
}
