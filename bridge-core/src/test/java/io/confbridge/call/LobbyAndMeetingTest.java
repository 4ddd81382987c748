package io.confbridge.call;

import io.confbridge.call.CallEffect.CancelTimer;
import io.confbridge.call.CallEffect.ConnectToMeetingAudio;
import io.confbridge.call.CallEffect.EnterMeeting;
import io.confbridge.call.CallEffect.LeaveMeeting;
import io.confbridge.meeting.Role;
import io.confbridge.call.CallEffect.StartHoldMusic;
import io.confbridge.call.CallEffect.StopHoldMusic;
import io.confbridge.call.CallEffect.StopPrompts;
import io.confbridge.call.CallEffect.VerifyPin;
import io.confbridge.call.CallEvent.TimerFired;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.confbridge.call.CallScript.DIGIT_TIMEOUT_MS;
import static io.confbridge.call.CallScript.LOBBY_TIMEOUT_MS;
import static io.confbridge.call.CallScript.PIN_MEETING;
import static io.confbridge.call.CallScript.hangUp;
import static io.confbridge.call.CallScript.prompts;
import static io.confbridge.call.CallScript.timer;
import static io.confbridge.prompt.Prompt.ENTER_PIN;
import static io.confbridge.prompt.Prompt.GOODBYE;
import static io.confbridge.prompt.Prompt.JOINING_MEETING;
import static io.confbridge.prompt.Prompt.LOBBY_TIMEOUT;
import static io.confbridge.prompt.Prompt.MEETING_ENDED;
import static io.confbridge.prompt.Prompt.MEETING_NOT_STARTED;
import static io.confbridge.prompt.Prompt.PIN_INCORRECT;

/** SPEC §2 steps 4 and 6: the lobby, the organizer PIN typed from it, admission and the meeting's end. */
class LobbyAndMeetingTest {

    @RegisterExtension
    final CallScript call = new CallScript();

    @Test
    void callerOfAMeetingNotStartedWaitsInTheLobbyWithHoldMusic() {
        CallPath.JOINING.reach(call);

        call.enteredLobby()
                .expect(new StartHoldMusic(), prompts(MEETING_NOT_STARTED), timer(LOBBY_TIMEOUT_MS))
                .assertState(CallState.IN_LOBBY);
        call.advance(Duration.ofSeconds(8)).promptsFinished().expectNothing();
    }

    @Test
    void callerOfAStartedMeetingJoinsIt() {
        CallPath.JOINING.reach(call);

        call.admitted()
                .expect(prompts(JOINING_MEETING), new ConnectToMeetingAudio())
                .assertState(CallState.IN_MEETING);
    }

    @Test
    void admissionFromTheLobbyStopsTheHoldMusicAndConnectsTheMeeting() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call);

        call.advance(Duration.ofMinutes(5)).admitted()
                .expect(new CancelTimer(), new StopHoldMusic(), new ConnectToMeetingAudio())
                .assertState(CallState.IN_MEETING);
    }

    @Test
    void admissionDuringTheLobbyAnnouncementAlsoStopsIt() {
        CallPath.IN_LOBBY.reach(call);

        call.admitted()
                .expect(new CancelTimer(), new StopPrompts(), new StopHoldMusic(), new ConnectToMeetingAudio())
                .assertState(CallState.IN_MEETING);
    }

    @Test
    void lobbyTimeoutLeavesTheLobbySaysWhyAndHangsUp() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call);

        call.advance(Duration.ofMinutes(60)).fireTimer()
                .expect(new LeaveMeeting(), new StopHoldMusic(), prompts(LOBBY_TIMEOUT, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
        call.advance(Duration.ofSeconds(4)).promptsFinished()
                .expect(hangUp())
                .assertState(CallState.ENDED);
    }

    @Test
    void starInTheLobbyAsksForThePin() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call);

        call.advance(Duration.ofMinutes(2)).press("*")
                .expect(new StopHoldMusic(), new CancelTimer(), prompts(ENTER_PIN))
                .assertState(CallState.LOBBY_COLLECTING_PIN);
    }

    @Test
    void lobbyTimerFromBeforeThePinEntryIsStale() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call);
        int lobbyToken = call.latestToken();
        call.press("*").drain();

        call.advance(Duration.ofMinutes(60)).send(new TimerFired(lobbyToken))
                .expectNothing()
                .assertState(CallState.LOBBY_COLLECTING_PIN);
    }

    @Test
    void rightPinFromTheLobbyJoinsAsOrganizer() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call);
        call.press("*").promptsFinished().press("1234").drain();

        call.press("#")
                .expect(new CancelTimer(), new VerifyPin(PIN_MEETING, "1234"))
                .assertState(CallState.LOBBY_VERIFYING_PIN);
        call.pinChecked(true)
                .expect(new EnterMeeting(PIN_MEETING, Role.ORGANIZER))
                .assertState(CallState.JOINING);
        call.admitted()
                .expect(prompts(JOINING_MEETING), new ConnectToMeetingAudio())
                .assertState(CallState.IN_MEETING);
    }

    @Test
    void threeWrongPinsFromTheLobbyGoBackToItWithOnlyTheTimeLeft() {
        call.answer("4711001").found(PIN_MEETING).press("5").drain();
        call.enteredLobby().expect(new StartHoldMusic(), prompts(MEETING_NOT_STARTED), timer(LOBBY_TIMEOUT_MS));
        call.advance(Duration.ofSeconds(8)).promptsFinished();
        call.advance(Duration.ofMinutes(10)).press("*").drain();

        call.press("0000#").advance(Duration.ofSeconds(20)).pinChecked(false).drain();
        call.press("1111#").advance(Duration.ofSeconds(20)).pinChecked(false).drain();
        call.press("2222#").advance(Duration.ofSeconds(20)).pinChecked(false)
                .expect(new StopPrompts(), timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS),
                        timer(DIGIT_TIMEOUT_MS), new CancelTimer(), new VerifyPin(PIN_MEETING, "2222"))
                // 60 min less 8 s of announcement, 10 min of hold music and 3 × 20 s of PIN entry.
                .expect(new StartHoldMusic(), prompts(PIN_INCORRECT), timer(Duration.ofSeconds(2932).toMillis()))
                .assertState(CallState.IN_LOBBY);

        call.fireStaleTimer().expectNothing();
        call.advance(Duration.ofSeconds(2932)).fireTimer()
                .expect(new LeaveMeeting(), new StopHoldMusic(), prompts(LOBBY_TIMEOUT, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
    }

    @Test
    void lobbyDeadlinePassedDuringPinEntryEndsTheWaitOnReturn() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call); // entered the lobby 8 s ago
        call.advance(Duration.ofMinutes(59).plusSeconds(50)).press("*").drain();
        call.press("0000#").advance(Duration.ofSeconds(20)).pinChecked(false).drain();
        call.press("1111#").advance(Duration.ofSeconds(20)).pinChecked(false).drain();
        call.press("2222#").drain();

        call.advance(Duration.ofSeconds(20)).pinChecked(false)
                .expect(new StartHoldMusic(), prompts(PIN_INCORRECT), timer(0))
                .assertState(CallState.IN_LOBBY);
        call.fireTimer()
                .expect(new LeaveMeeting(), new StopHoldMusic(), prompts(LOBBY_TIMEOUT, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
    }

    @Test
    void backInTheLobbyAfterTheOrganizerPinTheDeadlineIsKept() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call); // entered the lobby 8 s ago
        call.advance(Duration.ofMinutes(20)).press("*1234#").pinChecked(true)
                .expect(new StopHoldMusic(), new CancelTimer(), prompts(ENTER_PIN), new StopPrompts())
                .expect(timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS),
                        timer(DIGIT_TIMEOUT_MS), new CancelTimer(), new VerifyPin(PIN_MEETING, "1234"),
                        new EnterMeeting(PIN_MEETING, Role.ORGANIZER));

        call.enteredLobby()
                .expect(new StartHoldMusic(), prompts(MEETING_NOT_STARTED),
                        timer(LOBBY_TIMEOUT_MS - Duration.ofMinutes(20).plusSeconds(8).toMillis()))
                .assertState(CallState.IN_LOBBY);
    }

    @Test
    void admissionDuringLobbyPinPromptStopsItAndConnects() {
        CallPath.LOBBY_COLLECTING_PIN.reach(call);

        call.admitted()
                .expect(new StopPrompts(), new StopHoldMusic(), new ConnectToMeetingAudio())
                .assertState(CallState.IN_MEETING);
    }

    @Test
    void admissionWhileTypingTheLobbyPinDropsTheDigitsAndTheTimer() {
        CallPath.LOBBY_COLLECTING_PIN.reach(call).press("12").drain();

        call.admitted()
                .expect(new CancelTimer(), new StopHoldMusic(), new ConnectToMeetingAudio())
                .assertState(CallState.IN_MEETING);
        call.press("34#").expectNothing();
    }

    @Test
    void admissionWhileTheLobbyPinIsVerifiedWinsAndTheLateVerdictIsIgnored() {
        CallPath.LOBBY_VERIFYING_PIN.reach(call);

        call.admitted()
                .expect(new StopHoldMusic(), new ConnectToMeetingAudio())
                .assertState(CallState.IN_MEETING);
        call.pinChecked(true).expectNothing().assertState(CallState.IN_MEETING);
    }

    @Test
    void meetingEndedInTheLobbySaysSoAndHangsUp() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call);

        call.meetingEnded()
                .expect(new CancelTimer(), new StopHoldMusic(), prompts(MEETING_ENDED, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
        call.promptsFinished().expect(hangUp()).assertState(CallState.ENDED);
    }

    @Test
    void meetingEndedInTheMeetingSaysSoAndHangsUp() {
        CallPath.IN_MEETING.reachOncePromptsFinished(call);

        call.meetingEnded()
                .expect(new StopHoldMusic(), prompts(MEETING_ENDED, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
        call.promptsFinished().expect(hangUp()).assertState(CallState.ENDED);
    }

    @Test
    void meetingEndedWhileJoiningSaysSo() {
        CallPath.VERIFYING_PIN.reach(call).pinChecked(true).drain();
        call.assertState(CallState.JOINING);

        call.meetingEnded()
                .expect(new StopHoldMusic(), prompts(MEETING_ENDED, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
    }

    @Test
    void meetingEndedDuringLobbyPinEntryOrVerificationSaysSo() {
        CallPath.LOBBY_COLLECTING_PIN.reach(call).press("12").drain();
        call.meetingEnded()
                .expect(new CancelTimer(), new StopHoldMusic(), prompts(MEETING_ENDED, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);

        CallScript verifying = CallPath.LOBBY_VERIFYING_PIN.reach(new CallScript());
        verifying.meetingEnded()
                .expect(new StopHoldMusic(), prompts(MEETING_ENDED, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE)
                .expectNothing();
    }

    @Test
    void keyDuringTheGoodbyeHangsUpAtOnce() {
        CallPath.SAYING_GOODBYE.reach(call);

        call.press("5").expect(new StopPrompts(), hangUp()).assertState(CallState.ENDED);
    }

    @Test
    void keysOtherThanStarDoNothingInTheLobbyOrTheMeeting() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call);
        call.press("1#5").expectNothing().assertState(CallState.IN_LOBBY);

        CallScript inMeeting = CallPath.IN_MEETING.reachOncePromptsFinished(new CallScript());
        inMeeting.press("6#5").expectNothing().assertState(CallState.IN_MEETING);
    }

    @Test
    void secondStarDuringTheLobbyPinPromptStillLeavesATimeoutRunning() {
        CallPath.LOBBY_COLLECTING_PIN.reach(call);

        call.press("*").expect(new StopPrompts(), timer(DIGIT_TIMEOUT_MS));
        call.advance(Duration.ofSeconds(10)).fireTimer()
                .expect(prompts(PIN_INCORRECT, ENTER_PIN))
                .assertState(CallState.LOBBY_COLLECTING_PIN);
    }
}
