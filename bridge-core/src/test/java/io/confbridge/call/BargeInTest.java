package io.confbridge.call;

import io.confbridge.call.CallEffect.CancelTimer;
import io.confbridge.call.CallEffect.EnterMeeting;
import io.confbridge.meeting.Role;
import io.confbridge.call.CallEffect.StopHoldMusic;
import io.confbridge.call.CallEffect.StopPrompts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
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
                arguments(CallPath.COLLECTING_CONFERENCE_ID, '4', CallState.COLLECTING_CONFERENCE_ID,
                        List.of(new StopPrompts(), timer(DIGIT_TIMEOUT_MS))),
                arguments(CallPath.COLLECTING_CONFERENCE_ID, '#', CallState.COLLECTING_CONFERENCE_ID,
                        List.of(new StopPrompts(), prompts(CONFERENCE_ID_NOT_FOUND, ENTER_CONFERENCE_ID))),
                arguments(CallPath.OFFERING_ORGANIZER_STAR, '*', CallState.COLLECTING_PIN,
                        List.of(new StopPrompts(), prompts(ENTER_PIN))),
                arguments(CallPath.OFFERING_ORGANIZER_STAR, '5', CallState.JOINING,
                        List.of(new StopPrompts(), new EnterMeeting(PIN_MEETING, Role.CALLER))),
                arguments(CallPath.COLLECTING_PIN, '1', CallState.COLLECTING_PIN,
                        List.of(new StopPrompts(), timer(DIGIT_TIMEOUT_MS))),
                arguments(CallPath.IN_LOBBY, '5', CallState.IN_LOBBY,
                        List.of(new StopPrompts())),
                arguments(CallPath.IN_LOBBY, '*', CallState.LOBBY_COLLECTING_PIN,
                        List.of(new StopPrompts(), new StopHoldMusic(), new CancelTimer(), prompts(ENTER_PIN))),
                arguments(CallPath.LOBBY_COLLECTING_PIN, '1', CallState.LOBBY_COLLECTING_PIN,
                        List.of(new StopPrompts(), timer(DIGIT_TIMEOUT_MS))),
                arguments(CallPath.IN_MEETING, '5', CallState.IN_MEETING,
                        List.of(new StopPrompts())),
                arguments(CallPath.SAYING_GOODBYE, '5', CallState.ENDED,
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

    @Test
    void keyDuringTheGoodbyeAfterUnknownIdsHangsUpAtOnce() {
        call.answer().press("1111#").notFound().press("2222#").notFound().press("3333#").notFound().drain();
        call.assertState(CallState.SAYING_GOODBYE);

        call.press("5").expect(new StopPrompts(), hangUp()).assertState(CallState.ENDED);
    }

    @Test
    void keyDuringTheGoodbyeAfterTheLobbyTimeoutHangsUpAtOnce() {
        CallPath.IN_LOBBY.reach(call).advance(Duration.ofMinutes(60)).fireTimer().drain();
        call.assertState(CallState.SAYING_GOODBYE);

        call.press("#").expect(new StopPrompts(), hangUp()).assertState(CallState.ENDED);
    }

    /** The path, then either its prompt finished ({@code ""}) or these keys typed, each leaving no prompt. */
    @ParameterizedTest(name = "{0} then \"{1}\"")
    @MethodSource("pathsWithoutAPrompt")
    void keyWithNoPromptPlayingStopsNothing(CallPath path, String keysFirst) {
        if (keysFirst.isEmpty()) {
            path.reachOncePromptsFinished(call);
        } else {
            path.reach(call).press(keysFirst).drain();
        }

        call.press("5");

        List<CallEffect> effects = call.drain();
        assertFalse(effects.stream().anyMatch(StopPrompts.class::isInstance), effects.toString());
    }

    static Stream<Arguments> pathsWithoutAPrompt() {
        return Stream.of(
                arguments(CallPath.COLLECTING_CONFERENCE_ID, ""),
                arguments(CallPath.COLLECTING_CONFERENCE_ID, "47"),
                arguments(CallPath.OFFERING_ORGANIZER_STAR, ""),
                arguments(CallPath.COLLECTING_PIN, "12"),
                arguments(CallPath.IN_LOBBY, ""),
                arguments(CallPath.LOBBY_COLLECTING_PIN, "12"),
                arguments(CallPath.IN_MEETING, ""));
    }
}
