package io.confbridge.call;

import io.confbridge.call.CallEffect.CancelTimer;
import io.confbridge.call.CallEffect.EnterMeeting;
import io.confbridge.meeting.Role;
import io.confbridge.call.CallEffect.StopHoldMusic;
import io.confbridge.call.CallEffect.StopPrompts;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.confbridge.call.CallScript.DIGIT_TIMEOUT_MS;
import static io.confbridge.call.CallScript.PIN_MEETING;
import static io.confbridge.call.CallScript.hangUp;
import static io.confbridge.call.CallScript.prompts;
import static io.confbridge.call.CallScript.timer;
import static io.confbridge.prompt.Prompt.CONFERENCE_ID_NOT_FOUND;
import static io.confbridge.prompt.Prompt.ENTER_CONFERENCE_ID;
import static io.confbridge.prompt.Prompt.ENTER_PIN;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * SPEC §2.8: in every state where a prompt is speaking, a key stops it ({@link StopPrompts} first) and
 * then counts exactly as it would have after the prompt.
 */
class BargeInTest {

    @RegisterExtension
    final CallScript call = new CallScript();

    static Stream<Arguments> keyDuringEveryPrompt() {
        return Stream.of(
                arguments(CallPath.WELCOME_PLAYING, '4', CallState.COLLECTING_CONFERENCE_ID,
                        List.of(new StopPrompts(), timer(DIGIT_TIMEOUT_MS))),
                arguments(CallPath.WELCOME_PLAYING, '#', CallState.COLLECTING_CONFERENCE_ID,
                        List.of(new StopPrompts(), prompts(CONFERENCE_ID_NOT_FOUND, ENTER_CONFERENCE_ID))),
                arguments(CallPath.OFFERING_STAR, '*', CallState.COLLECTING_PIN,
                        List.of(new StopPrompts(), prompts(ENTER_PIN))),
                arguments(CallPath.OFFERING_STAR, '5', CallState.JOINING,
                        List.of(new StopPrompts(), new EnterMeeting(PIN_MEETING, Role.CALLER))),
                arguments(CallPath.PIN_PROMPT_PLAYING, '1', CallState.COLLECTING_PIN,
                        List.of(new StopPrompts(), timer(DIGIT_TIMEOUT_MS))),
                arguments(CallPath.LOBBY_ANNOUNCEMENT, '5', CallState.IN_LOBBY,
                        List.of(new StopPrompts())),
                arguments(CallPath.LOBBY_ANNOUNCEMENT, '*', CallState.COLLECTING_PIN,
                        List.of(new StopPrompts(), new StopHoldMusic(), new CancelTimer(), prompts(ENTER_PIN))),
                arguments(CallPath.LOBBY_PIN_PROMPT, '1', CallState.COLLECTING_PIN,
                        List.of(new StopPrompts(), timer(DIGIT_TIMEOUT_MS))),
                arguments(CallPath.MEETING_ANNOUNCEMENT, '5', CallState.IN_MEETING,
                        List.of(new StopPrompts())),
                arguments(CallPath.GOODBYE_AFTER_UNKNOWN_IDS, '5', CallState.ENDED,
                        List.of(new StopPrompts(), hangUp())),
                arguments(CallPath.GOODBYE_AFTER_LOBBY_TIMEOUT, '#', CallState.ENDED,
                        List.of(new StopPrompts(), hangUp())));
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("keyDuringEveryPrompt")
    void keyDuringAPromptStopsItAndCounts(CallPath path, char key, CallState next, List<CallEffect> effects) {
        path.reach(call);

        call.press(String.valueOf(key))
                .expect(effects.toArray(CallEffect[]::new))
                .assertState(next);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathsWithoutAPrompt")
    void keyWithNoPromptPlayingStopsNothing(CallPath path) {
        path.reach(call);

        call.press("5");

        List<CallEffect> effects = call.drain();
        assertFalse(effects.stream().anyMatch(StopPrompts.class::isInstance), effects.toString());
    }

    static Stream<CallPath> pathsWithoutAPrompt() {
        return Stream.of(CallPath.WAITING_FOR_CONFERENCE_ID, CallPath.TYPING_CONFERENCE_ID,
                CallPath.WAITING_FOR_STAR, CallPath.TYPING_PIN, CallPath.LOBBY_HOLD_MUSIC,
                CallPath.LOBBY_TYPING_PIN, CallPath.IN_MEETING);
    }
}
