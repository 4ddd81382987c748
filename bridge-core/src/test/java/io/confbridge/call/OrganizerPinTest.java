package io.confbridge.call;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.confbridge.call.CallEffect.CancelTimer;
import io.confbridge.call.CallEffect.ConnectToMeetingAudio;
import io.confbridge.call.CallEffect.EnterMeeting;
import io.confbridge.meeting.Role;
import io.confbridge.call.CallEffect.StartHoldMusic;
import io.confbridge.call.CallEffect.StopPrompts;
import io.confbridge.call.CallEffect.VerifyPin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static io.confbridge.call.CallScript.DIGIT_TIMEOUT_MS;
import static io.confbridge.call.CallScript.LOBBY_TIMEOUT_MS;
import static io.confbridge.call.CallScript.ORGANIZER_STAR_WAIT_MS;
import static io.confbridge.call.CallScript.PIN_MEETING;
import static io.confbridge.call.CallScript.prompts;
import static io.confbridge.call.CallScript.timer;
import static io.confbridge.prompt.Prompt.ENTER_PIN;
import static io.confbridge.prompt.Prompt.JOINING_MEETING;
import static io.confbridge.prompt.Prompt.MEETING_NOT_STARTED;
import static io.confbridge.prompt.Prompt.PIN_INCORRECT;
import static io.confbridge.prompt.Prompt.PRESS_STAR_IF_ORGANIZER;
import static io.confbridge.prompt.Prompt.TRY_AGAIN_LATER;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §2 step 3 and §2.5: the organizer star offer and the PIN typed from the menu. */
class OrganizerPinTest {

    @RegisterExtension
    final CallScript call = new CallScript();

    @Test
    void starDuringTheOfferStopsItAndAsksForThePin() {
        call.answer("4711001").found(PIN_MEETING).drain();

        call.press("*")
                .expect(new StopPrompts(), prompts(ENTER_PIN))
                .assertState(CallState.COLLECTING_PIN);
    }

    @Test
    void starWithinTheWaitAsksForThePin() {
        call.answer("4711001").found(PIN_MEETING).drain();
        call.advance(Duration.ofSeconds(3)).promptsFinished().expect(timer(ORGANIZER_STAR_WAIT_MS));

        call.advance(Duration.ofSeconds(2)).press("*")
                .expect(new CancelTimer(), prompts(ENTER_PIN))
                .assertState(CallState.COLLECTING_PIN);
    }

    @Test
    void otherKeyDuringTheOfferDeclinesItAndJoinsAsCaller() {
        call.answer("4711001").found(PIN_MEETING).drain();

        call.press("5")
                .expect(new StopPrompts(), new EnterMeeting(PIN_MEETING, Role.CALLER))
                .assertState(CallState.JOINING);
    }

    @Test
    void poundAfterTheOfferDeclinesItAndJoinsAsCaller() {
        call.answer("4711001").found(PIN_MEETING).promptsFinished().drain();

        call.press("#")
                .expect(new CancelTimer(), new EnterMeeting(PIN_MEETING, Role.CALLER))
                .assertState(CallState.JOINING);
    }

    @Test
    void noStarWithinTheWaitJoinsAsCaller() {
        call.answer("4711001").found(PIN_MEETING).promptsFinished()
                .expect(new CallEffect.LookUpConference("4711001"), prompts(PRESS_STAR_IF_ORGANIZER),
                        timer(ORGANIZER_STAR_WAIT_MS));

        call.advance(Duration.ofSeconds(3)).fireTimer()
                .expect(new EnterMeeting(PIN_MEETING, Role.CALLER))
                .assertState(CallState.JOINING);
    }

    @Test
    void rightPinJoinsAsOrganizerWhoHearsTheJoiningPromptAndTheMeeting() {
        call.answer("4711001").found(PIN_MEETING).press("*").drain();
        call.promptsFinished().expect(timer(DIGIT_TIMEOUT_MS));
        call.press("1234").expect(timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS),
                timer(DIGIT_TIMEOUT_MS));

        call.press("#")
                .expect(new CancelTimer(), new VerifyPin(PIN_MEETING, "1234"))
                .assertState(CallState.VERIFYING_PIN);
        call.advance(Duration.ofMillis(150)).pinChecked(true)
                .expect(new EnterMeeting(PIN_MEETING, Role.ORGANIZER))
                .assertState(CallState.JOINING);
        call.admitted()
                .expect(prompts(JOINING_MEETING), new ConnectToMeetingAudio())
                .assertState(CallState.IN_MEETING);
    }

    @Test
    void keyDuringThePinPromptStopsItAndCountsAsTheFirstPinDigit() {
        call.answer("4711001").found(PIN_MEETING).press("*").drain();

        call.press("1").expect(new StopPrompts(), timer(DIGIT_TIMEOUT_MS));
        call.press("234").drain();
        call.press("#").expect(new CancelTimer(), new VerifyPin(PIN_MEETING, "1234"));
    }

    @Test
    void wrongPinAsksAgainAndAKeyStopsThatPrompt() {
        call.answer("4711001").found(PIN_MEETING).press("*0000#").drain();

        call.pinChecked(false)
                .expect(prompts(PIN_INCORRECT, ENTER_PIN))
                .assertState(CallState.COLLECTING_PIN);
        call.press("1").expect(new StopPrompts(), timer(DIGIT_TIMEOUT_MS));
        call.press("234#").drain();
        call.pinChecked(true).expect(new EnterMeeting(PIN_MEETING, Role.ORGANIZER));
    }

    @Test
    void aPinNotCheckedForAFullQueueTellsTheCallerToTryAgainLater() {
        call.answer("4711001").found(PIN_MEETING).press("*0000#").drain();

        call.pinNotChecked()
                .expect(prompts(TRY_AGAIN_LATER, ENTER_PIN))
                .assertState(CallState.COLLECTING_PIN);
        call.press("1234#").drain();
        call.pinChecked(true).expect(new EnterMeeting(PIN_MEETING, Role.ORGANIZER));
    }

    @Test
    void threeWrongPinsContinueAsCallerWhoHearsWhyBeforeTheLobby() {
        call.answer("4711001").found(PIN_MEETING).press("*").drain();
        call.press("0000#").drain();
        call.pinChecked(false).expect(prompts(PIN_INCORRECT, ENTER_PIN));
        call.press("1111#").drain();
        call.pinChecked(false).expect(prompts(PIN_INCORRECT, ENTER_PIN));
        call.press("2222#").drain();

        call.pinChecked(false)
                .expect(new EnterMeeting(PIN_MEETING, Role.CALLER))
                .assertState(CallState.JOINING);
        call.enteredLobby()
                .expect(new StartHoldMusic(), prompts(PIN_INCORRECT, MEETING_NOT_STARTED), timer(LOBBY_TIMEOUT_MS))
                .assertState(CallState.IN_LOBBY);
    }

    @Test
    void threeWrongPinsIntoAStartedMeetingHearWhyBeforeJoining() {
        call.answer("4711001").found(PIN_MEETING).press("*0000#").pinChecked(false)
                .press("1111#").pinChecked(false).press("2222#").pinChecked(false).drain();

        call.admitted()
                .expect(prompts(PIN_INCORRECT, JOINING_MEETING), new ConnectToMeetingAudio())
                .assertState(CallState.IN_MEETING);
    }

    @Test
    void callerOutOfPinTriesCannotTryAgainFromTheLobby() {
        call.answer("4711001").found(PIN_MEETING).press("*0000#").pinChecked(false)
                .press("1111#").pinChecked(false).press("2222#").pinChecked(false).enteredLobby().drain();

        call.press("*").expect(new StopPrompts()).assertState(CallState.IN_LOBBY);
        call.press("*").expectNothing().assertState(CallState.IN_LOBBY);
    }

    @Test
    void pinDigitTimeoutsAndEmptyPinsCountAsWrongTries() {
        call.answer("4711001").found(PIN_MEETING).press("*").promptsFinished().drain();

        call.advance(Duration.ofSeconds(10)).fireTimer()
                .expect(prompts(PIN_INCORRECT, ENTER_PIN))
                .assertState(CallState.COLLECTING_PIN);
        call.press("#").expect(new StopPrompts(), prompts(PIN_INCORRECT, ENTER_PIN));
        call.press("12").drain();
        call.advance(Duration.ofSeconds(10)).fireTimer()
                .expect(new EnterMeeting(PIN_MEETING, Role.CALLER))
                .assertState(CallState.JOINING);
    }

    @Test
    void digitsTypedBeforeAPinTimeoutAreDropped() {
        call.answer("4711001").found(PIN_MEETING).press("*").promptsFinished().press("99").drain();

        call.advance(Duration.ofSeconds(10)).fireTimer().expect(prompts(PIN_INCORRECT, ENTER_PIN));
        call.press("1234").drain();
        call.press("#").expect(new CancelTimer(), new VerifyPin(PIN_MEETING, "1234"));
    }

    @Test
    void meetingEventsDuringMenuPinEntryAreIgnoredBecauseTheCallIsInNoMeetingYet() {
        CallPath.COLLECTING_PIN.reach(call).press("12").drain();
        call.admitted().meetingEnded().expectNothing().assertState(CallState.COLLECTING_PIN);

        // The same holds while the PIN is verified.
        CallScript verifying = CallPath.VERIFYING_PIN.reach(new CallScript());
        verifying.admitted().meetingEnded().expectNothing().assertState(CallState.VERIFYING_PIN);
    }

    @Test
    void keysWhileThePinIsVerifiedAreDropped() {
        call.answer("4711001").found(PIN_MEETING).press("*1234#").drain();

        call.press("99#*").expectNothing().assertState(CallState.VERIFYING_PIN);
        call.pinChecked(true).expect(new EnterMeeting(PIN_MEETING, Role.ORGANIZER));
    }

    @Test
    void verifyPinNeverShowsThePin() {
        VerifyPin verify = new VerifyPin(PIN_MEETING, "918273");

        String text = verify.toString();

        assertFalse(text.contains("918273"), text);
        assertTrue(text.contains(PIN_MEETING.conferenceId()), text);
    }

    @Test
    void neverLogsThePinEvenAtDebugLevel() {
        Logger logger = (Logger) LoggerFactory.getLogger(CallStateMachine.class);
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false); // keep the debug lines out of the build output
        try {
            call.answer("4711001").found(PIN_MEETING).press("*918273#").pinChecked(false)
                    .press("918273#").pinChecked(true).admitted().drain();
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
            logger.setAdditive(true);
        }

        assertFalse(appender.list.isEmpty(), "the transitions are logged at debug level");
        for (ILoggingEvent event : appender.list) {
            assertFalse(event.getFormattedMessage().contains("918273"), event.getFormattedMessage());
        }
    }

    @Test
    void secondStarDuringThePinPromptStillLeavesTheDigitTimeoutRunning() {
        call.answer("4711001").found(PIN_MEETING).press("*").drain();

        call.press("*").expect(new StopPrompts(), timer(DIGIT_TIMEOUT_MS));
        call.advance(Duration.ofSeconds(10)).fireTimer()
                .expect(prompts(PIN_INCORRECT, ENTER_PIN))
                .assertState(CallState.COLLECTING_PIN);
    }
}
