package io.confbridge.call;

import io.confbridge.call.CallEffect.AdmitLobby;
import io.confbridge.call.CallEffect.CancelTimer;
import io.confbridge.call.CallEffect.ConnectToMeetingAudio;
import io.confbridge.call.CallEffect.EnterMeeting;
import io.confbridge.call.CallEffect.LeaveMeeting;
import io.confbridge.meeting.Role;
import io.confbridge.call.CallEffect.SetMuted;
import io.confbridge.call.CallEffect.StartHoldMusic;
import io.confbridge.call.CallEffect.StopHoldMusic;
import io.confbridge.call.CallEffect.StopPrompts;
import io.confbridge.call.CallEvent.EnteredLobby;
import io.confbridge.call.CallEvent.MeetingEnded;
import io.confbridge.call.CallEvent.MeetingFull;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.confbridge.call.CallScript.DIGIT_TIMEOUT_MS;
import static io.confbridge.call.CallScript.LOBBY_TIMEOUT_MS;
import static io.confbridge.call.CallScript.PIN_MEETING;
import static io.confbridge.call.CallScript.hangUp;
import static io.confbridge.call.CallScript.prompts;
import static io.confbridge.call.CallScript.timer;
import static io.confbridge.prompt.Prompt.GOODBYE;
import static io.confbridge.prompt.Prompt.JOINING_MEETING;
import static io.confbridge.prompt.Prompt.KEY_HELP;
import static io.confbridge.prompt.Prompt.KEY_HELP_ORGANIZER;
import static io.confbridge.prompt.Prompt.MEETING_ENDED;
import static io.confbridge.prompt.Prompt.MEETING_FULL;
import static io.confbridge.prompt.Prompt.MUTED;
import static io.confbridge.prompt.Prompt.ORGANIZER_LEFT;
import static io.confbridge.prompt.Prompt.UNMUTED;
import static io.confbridge.prompt.Prompt.WAITING_FOR_ADMISSION;

/** Issue #4: in-meeting keys, meeting policies as the call sees them, and the organizer proved by SIP digest. */
class MeetingKeysAndPoliciesTest {

    @RegisterExtension
    final CallScript call = new CallScript();

    private void inMeetingAsCaller() {
        CallPath.JOINING.reach(call);
        call.admitted().expect(prompts(JOINING_MEETING), new ConnectToMeetingAudio()).promptsFinished();
    }

    private void inMeetingAsOrganizer() {
        CallPath.VERIFYING_PIN.reach(call).pinChecked(true).drain();
        call.assertState(CallState.JOINING);
        call.admitted().expect(prompts(JOINING_MEETING), new ConnectToMeetingAudio()).promptsFinished();
    }

    @Test
    void starSixTogglesMuteWithASpokenConfirmation() {
        inMeetingAsCaller();

        call.press("*").expect(timer(DIGIT_TIMEOUT_MS));
        call.press("6").expect(new CancelTimer(), new SetMuted(true), prompts(MUTED));
        call.promptsFinished().press("*6")
                .expect(timer(DIGIT_TIMEOUT_MS), new CancelTimer(), new SetMuted(false), prompts(UNMUTED))
                .assertState(CallState.IN_MEETING);
    }

    @Test
    void starOnePlaysTheKeysForTheCallersRole() {
        inMeetingAsCaller();
        call.press("*1").expect(timer(DIGIT_TIMEOUT_MS), new CancelTimer(), prompts(KEY_HELP));
    }

    @Test
    void organizerHearsTheOrganizerKeysAndAdmitsTheLobbyWithStarTwoOne() {
        inMeetingAsOrganizer();
        call.press("*1").expect(timer(DIGIT_TIMEOUT_MS), new CancelTimer(), prompts(KEY_HELP_ORGANIZER));
        call.promptsFinished().press("*21")
                .expect(timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS), new CancelTimer(), new AdmitLobby());
    }

    @Test
    void callerCannotAdmitTheLobby() {
        inMeetingAsCaller();
        call.press("*21").expect(timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS), new CancelTimer());
    }

    @Test
    void digitsWithoutStarAndUnknownCommandsDoNothing() {
        inMeetingAsCaller();
        call.press("5").expectNothing();
        call.press("*9").expect(timer(DIGIT_TIMEOUT_MS), new CancelTimer());
        call.press("6").expectNothing();
    }

    @Test
    void aHalfTypedCommandIsForgottenAfterTheDigitTimeout() {
        inMeetingAsCaller();
        call.press("*").expect(timer(DIGIT_TIMEOUT_MS));
        call.advance(Duration.ofMillis(DIGIT_TIMEOUT_MS)).fireTimer().expectNothing();
        call.press("6").expectNothing(); // not *6: the * was forgotten
    }

    @Test
    void aKeyDuringAMeetingPromptStopsIt() {
        CallPath.JOINING.reach(call);
        call.admitted().expect(prompts(JOINING_MEETING), new ConnectToMeetingAudio());
        call.press("*").expect(new StopPrompts(), timer(DIGIT_TIMEOUT_MS));
    }

    @Test
    void startedMeetingWithAdmissionByTheOrganizerHoldsTheCallerInTheLobby() {
        CallPath.JOINING.reach(call);
        call.send(new EnteredLobby(true))
                .expect(new StartHoldMusic(), prompts(WAITING_FOR_ADMISSION), timer(LOBBY_TIMEOUT_MS))
                .assertState(CallState.IN_LOBBY);
    }

    @Test
    void fullMeetingRefusesTheCallerWithAPrompt() {
        CallPath.JOINING.reach(call);
        call.send(new MeetingFull()).expect(new StopHoldMusic(), prompts(MEETING_FULL, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
        call.promptsFinished().expect(hangUp()).assertState(CallState.ENDED);
    }

    @Test
    void lobbyCallerAdmittedIntoAFullMeetingIsRefused() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call);
        call.send(new MeetingFull()).expect(new CancelTimer(), new StopHoldMusic(), prompts(MEETING_FULL, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
        call.promptsFinished().expect(hangUp());
    }

    @Test
    void organizerLeavingEndsTheMeetingWithItsOwnPrompt() {
        inMeetingAsCaller();
        call.send(new MeetingEnded(true)).expect(new StopHoldMusic(), prompts(ORGANIZER_LEFT, GOODBYE));
        call.send(new MeetingEnded(false)).expectNothing(); // already saying goodbye
    }

    @Test
    void adminEndingTheMeetingSaysSo() {
        inMeetingAsCaller();
        call.send(new MeetingEnded(false)).expect(new StopHoldMusic(), prompts(MEETING_ENDED, GOODBYE));
    }

    @Test
    void meetingLobbyTimeoutShorterThanTheNodeBoundIsUsed() {
        MeetingRecord quick = new MeetingRecord(9, "4711009", 42, true,
                new MeetingPolicy(false, 2, 0, true, MeetingPolicy.AdmissionMode.AUTOMATIC));
        call.answer("4711009").found(quick).promptsFinished().fireTimer().drain();
        call.enteredLobby().expect(new StartHoldMusic(), CallScript.prompts(io.confbridge.prompt.Prompt.MEETING_NOT_STARTED),
                timer(Duration.ofMinutes(2).toMillis()));
    }

    @Test
    void hangingUpInTheMeetingLeavesIt() {
        inMeetingAsCaller();
        call.press("*").drain();
        call.hungUp().expect(new CancelTimer(), new LeaveMeeting()).assertState(CallState.ENDED);
    }

    @Test
    void callerWhoProvedTheOrganizerIdentityJoinsWithoutPin() {
        CallStateMachine machine = new CallStateMachine("digest", new MenuPolicy(
                DIGIT_TIMEOUT_MS, 3000, 3, 3, LOBBY_TIMEOUT_MS), PIN_MEETING.organizerId());
        machine.handle(new CallEvent.CallAnswered(PIN_MEETING.conferenceId()), 0);
        var effects = machine.handle(new CallEvent.ConferenceFound(PIN_MEETING), 1);
        org.junit.jupiter.api.Assertions.assertEquals(
                java.util.List.of(new EnterMeeting(PIN_MEETING, Role.ORGANIZER)), effects);
        org.junit.jupiter.api.Assertions.assertEquals(CallState.JOINING, machine.state());
    }

    @Test
    void anotherOrganizersIdentityDoesNotSkipThePin() {
        CallStateMachine machine = new CallStateMachine("digest", new MenuPolicy(
                DIGIT_TIMEOUT_MS, 3000, 3, 3, LOBBY_TIMEOUT_MS), PIN_MEETING.organizerId() + 1);
        machine.handle(new CallEvent.CallAnswered(PIN_MEETING.conferenceId()), 0);
        machine.handle(new CallEvent.ConferenceFound(PIN_MEETING), 1);
        org.junit.jupiter.api.Assertions.assertEquals(CallState.OFFERING_ORGANIZER_STAR, machine.state());
    }
}
