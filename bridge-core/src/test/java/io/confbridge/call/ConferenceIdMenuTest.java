package io.confbridge.call;

import io.confbridge.call.CallEffect.CancelTimer;
import io.confbridge.call.CallEffect.EnterMeeting;
import io.confbridge.call.CallEffect.LookUpConference;
import io.confbridge.meeting.Role;
import io.confbridge.call.CallEffect.StopPrompts;
import io.confbridge.meeting.ConferenceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static io.confbridge.call.CallScript.DIGIT_TIMEOUT_MS;
import static io.confbridge.call.CallScript.OPEN_MEETING;
import static io.confbridge.call.CallScript.PIN_MEETING;
import static io.confbridge.call.CallScript.hangUp;
import static io.confbridge.call.CallScript.prompts;
import static io.confbridge.call.CallScript.timer;
import static io.confbridge.prompt.Prompt.CONFERENCE_ID_NOT_FOUND;
import static io.confbridge.prompt.Prompt.ENTER_CONFERENCE_ID;
import static io.confbridge.prompt.Prompt.GOODBYE;
import static io.confbridge.prompt.Prompt.PRESS_STAR_IF_ORGANIZER;
import static io.confbridge.prompt.Prompt.WELCOME;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §2 steps 1–2: the welcome, the conference ID, its lookup and its failures. */
class ConferenceIdMenuTest {

    @RegisterExtension
    final CallScript call = new CallScript();

    @Test
    void welcomesThenLooksUpTheTypedConferenceId() {
        call.answer()
                .expect(prompts(WELCOME))
                .assertState(CallState.COLLECTING_CONFERENCE_ID);
        call.advance(Duration.ofSeconds(5)).promptsFinished()
                .expect(timer(DIGIT_TIMEOUT_MS));
        call.press("4711001")
                .expect(timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS),
                        timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS),
                        timer(DIGIT_TIMEOUT_MS));
        call.press("#")
                .expect(new CancelTimer(), new LookUpConference("4711001"))
                .assertState(CallState.VALIDATING_CONFERENCE_ID);
        assertNull(call.machine().meeting());

        call.found(PIN_MEETING)
                .expect(prompts(PRESS_STAR_IF_ORGANIZER))
                .assertState(CallState.OFFERING_ORGANIZER_STAR);
        assertSame(PIN_MEETING, call.machine().meeting());
    }

    @Test
    void keyDuringTheWelcomeStopsItAndCountsAsTheFirstDigit() {
        call.answer().expect(prompts(WELCOME));

        call.press("4")
                .expect(new StopPrompts(), timer(DIGIT_TIMEOUT_MS))
                .assertState(CallState.COLLECTING_CONFERENCE_ID);
        call.press("711001").drain();
        call.press("#").expect(new CancelTimer(), new LookUpConference("4711001"));
    }

    @Test
    void keyDuringTheNotFoundPromptStopsItAndCounts() {
        call.answer().press("9999#").notFound().drain();

        call.press("4")
                .expect(new StopPrompts(), timer(DIGIT_TIMEOUT_MS));
        call.press("711001").drain();
        call.press("#").expect(new CancelTimer(), new LookUpConference("4711001"));
    }

    @Test
    void eachDigitRestartsTheDigitTimeoutSoOnlyTheLatestTimerCounts() {
        call.answer().promptsFinished().press("47").drain();

        call.fireStaleTimer().expectNothing().assertState(CallState.COLLECTING_CONFERENCE_ID);
        call.press("11001#").drain();
        call.assertState(CallState.VALIDATING_CONFERENCE_ID);
    }

    @Test
    void dialledConferenceIdSkipsTheWelcome() {
        call.answer("4711001")
                .expect(new LookUpConference("4711001"))
                .assertState(CallState.VALIDATING_DIALLED_NUMBER);

        call.found(PIN_MEETING).expect(prompts(PRESS_STAR_IF_ORGANIZER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "123", "1234567890123", "bridge", "47a1001", "+4930123"})
    void requestUriUserThatIsNoConferenceIdGetsTheWelcome(String dialledUser) {
        call.answer(dialledUser)
                .expect(prompts(WELCOME))
                .assertState(CallState.COLLECTING_CONFERENCE_ID);
    }

    @Test
    void conferenceIdsAreFourToTwelveDigits() {
        assertTrue(ConferenceId.isWellFormed("1234"));
        assertTrue(ConferenceId.isWellFormed("123456789012"));
        assertFalse(ConferenceId.isWellFormed("123"));
        assertFalse(ConferenceId.isWellFormed("1234567890123"));
        assertFalse(ConferenceId.isWellFormed(null));
    }

    @Test
    void unknownDialledNumberFallsBackToTheWelcomeWithoutCountingAFailure() {
        call.answer("4930123456").expect(new LookUpConference("4930123456"));

        call.notFound()
                .expect(prompts(WELCOME))
                .assertState(CallState.COLLECTING_CONFERENCE_ID);

        // Still all three tries: two unknown IDs get the prompt again, only the third says goodbye.
        call.press("1111#").notFound().drain();
        call.press("2222#").notFound()
                .expect(new StopPrompts(), timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS),
                        timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS), new CancelTimer(),
                        new LookUpConference("2222"),
                        prompts(CONFERENCE_ID_NOT_FOUND, ENTER_CONFERENCE_ID))
                .assertState(CallState.COLLECTING_CONFERENCE_ID);
        call.press("3333#").notFound().drain();
        call.assertState(CallState.SAYING_GOODBYE);
    }

    @Test
    void threeUnknownConferenceIdsSayGoodbyeAndHangUp() {
        call.answer().expect(prompts(WELCOME));

        call.press("1111#").drain();
        call.notFound()
                .expect(prompts(CONFERENCE_ID_NOT_FOUND, ENTER_CONFERENCE_ID))
                .assertState(CallState.COLLECTING_CONFERENCE_ID);
        call.press("2222#").drain();
        call.notFound().expect(prompts(CONFERENCE_ID_NOT_FOUND, ENTER_CONFERENCE_ID));
        call.press("3333#").drain();
        call.notFound()
                .expect(prompts(CONFERENCE_ID_NOT_FOUND, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);

        call.advance(Duration.ofSeconds(3)).promptsFinished()
                .expect(hangUp())
                .assertState(CallState.ENDED);
    }

    @Test
    void digitTimeoutsCountAsFailuresAndTheLastOneSaysOnlyGoodbye() {
        call.answer().promptsFinished().expect(prompts(WELCOME), timer(DIGIT_TIMEOUT_MS));

        call.advance(Duration.ofSeconds(10)).fireTimer()
                .expect(prompts(ENTER_CONFERENCE_ID))
                .assertState(CallState.COLLECTING_CONFERENCE_ID);
        call.promptsFinished().expect(timer(DIGIT_TIMEOUT_MS));
        call.advance(Duration.ofSeconds(10)).fireTimer().expect(prompts(ENTER_CONFERENCE_ID));
        call.promptsFinished().expect(timer(DIGIT_TIMEOUT_MS));
        call.advance(Duration.ofSeconds(10)).fireTimer()
                .expect(prompts(GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
        call.promptsFinished().expect(hangUp()).assertState(CallState.ENDED);
    }

    @Test
    void timeoutAfterSomeDigitsDropsThemAndCountsAFailure() {
        call.answer().promptsFinished().press("47").drain();

        call.advance(Duration.ofSeconds(10)).fireTimer().expect(prompts(ENTER_CONFERENCE_ID));
        call.press("4711001").drain();
        // The ID is looked up without the two digits typed before the timeout.
        call.press("#").expect(new CancelTimer(), new LookUpConference("4711001"));
    }

    @Test
    void poundWithNoDigitsCountsAsAFailure() {
        call.answer().promptsFinished().expect(prompts(WELCOME), timer(DIGIT_TIMEOUT_MS));

        call.press("#")
                .expect(new CancelTimer(), prompts(CONFERENCE_ID_NOT_FOUND, ENTER_CONFERENCE_ID))
                .assertState(CallState.COLLECTING_CONFERENCE_ID);
        call.press("#").expect(new StopPrompts(), prompts(CONFERENCE_ID_NOT_FOUND, ENTER_CONFERENCE_ID));
        call.press("#")
                .expect(new StopPrompts(), prompts(CONFERENCE_ID_NOT_FOUND, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
    }

    @Test
    void failuresOfEveryKindAddUp() {
        call.answer().promptsFinished().drain();

        call.advance(Duration.ofSeconds(10)).fireTimer().expect(prompts(ENTER_CONFERENCE_ID));
        call.press("#").expect(new StopPrompts(), prompts(CONFERENCE_ID_NOT_FOUND, ENTER_CONFERENCE_ID));
        call.press("9999#").drain();
        call.notFound()
                .expect(prompts(CONFERENCE_ID_NOT_FOUND, GOODBYE))
                .assertState(CallState.SAYING_GOODBYE);
    }

    @Test
    void keysDuringTheLookupAreDropped() {
        call.answer().press("4711001#").drain();

        call.press("12*#").expectNothing().assertState(CallState.VALIDATING_CONFERENCE_ID);
        call.found(PIN_MEETING).expect(prompts(PRESS_STAR_IF_ORGANIZER));
    }

    @Test
    void starIsNotPartOfTheConferenceId() {
        call.answer().promptsFinished().press("47").drain();

        call.press("*").expect(timer(DIGIT_TIMEOUT_MS)); // activity: the digit timeout restarts
        call.press("11001#").expect(timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS),
                timer(DIGIT_TIMEOUT_MS), timer(DIGIT_TIMEOUT_MS), new CancelTimer(),
                new LookUpConference("4711001"));
    }

    @Test
    void meetingThatNeedsNoPinIsEnteredAtOnceAsCaller() {
        call.answer("4711002").found(OPEN_MEETING)
                .expect(new LookUpConference("4711002"), new EnterMeeting(OPEN_MEETING, Role.CALLER))
                .assertState(CallState.JOINING);
    }

    @Test
    void starDuringTheWelcomeStillLeavesTheDigitTimeoutRunning() {
        call.answer().expect(prompts(WELCOME));

        call.press("*").expect(new StopPrompts(), timer(DIGIT_TIMEOUT_MS));
        call.advance(Duration.ofSeconds(10)).fireTimer()
                .expect(prompts(ENTER_CONFERENCE_ID))
                .assertState(CallState.COLLECTING_CONFERENCE_ID);
    }
}
