package io.confbridge.call;

import java.time.Duration;
import java.util.function.Consumer;

import static io.confbridge.call.CallScript.PIN_MEETING;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One scripted way into each {@link CallState}, named after it: since the state alone says what an
 * event does, one path per state is enough. A path ends just as the state is entered, with whatever it
 * plays on entry still speaking; {@link #reachOncePromptsFinished} lets that prompt play out. A caller
 * who declined the organizer offer is the one in {@link #JOINING}, the lobby and the meeting.
 */
enum CallPath {
    NEW(s -> {
    }),
    COLLECTING_CONFERENCE_ID(CallScript::answer),
    VALIDATING_DIALLED_NUMBER(s -> s.answer(PIN_MEETING.conferenceId())),
    VALIDATING_CONFERENCE_ID(s -> s.answer().press(PIN_MEETING.conferenceId() + "#")),
    OFFERING_ORGANIZER_STAR(CallPath::toOffer),
    COLLECTING_PIN(s -> toOffer(s).press("*")),
    VERIFYING_PIN(s -> toOffer(s).press("*1234#")),
    JOINING(CallPath::toJoining),
    IN_LOBBY(CallPath::toLobby),
    LOBBY_COLLECTING_PIN(s -> toLobby(s).press("*")),
    LOBBY_VERIFYING_PIN(s -> toLobby(s).press("*1234#")),
    IN_MEETING(s -> toJoining(s).admitted()),
    SAYING_GOODBYE(s -> toJoining(s).admitted().meetingEnded()),
    ENDED(s -> toJoining(s).admitted().meetingEnded().promptsFinished());

    /** How long the prompt played on entering a state takes, in {@link #reachOncePromptsFinished}. */
    static final Duration PROMPT_LENGTH = Duration.ofSeconds(8);

    final CallState state;
    private final Consumer<CallScript> steps;

    CallPath(Consumer<CallScript> steps) {
        this.state = CallState.valueOf(name());
        this.steps = steps;
    }

    /** Plays the path on the script, drops the effects on the way, and checks that it reached its state. */
    CallScript reach(CallScript script) {
        steps.accept(script);
        script.drain();
        assertEquals(state, script.state(), "path " + name());
        return script;
    }

    /**
     * Reaches the state, then lets the prompt it played on entry finish {@link #PROMPT_LENGTH} later:
     * the caller hears hold music, the meeting, or silence with a timer running. Only for states that
     * stay when their prompt ends.
     */
    CallScript reachOncePromptsFinished(CallScript script) {
        reach(script).advance(PROMPT_LENGTH).promptsFinished().drain();
        assertEquals(state, script.state(), "path " + name() + " once its prompts finished");
        return script;
    }

    private static CallScript toOffer(CallScript s) {
        return s.answer(PIN_MEETING.conferenceId()).found(PIN_MEETING);
    }

    private static CallScript toJoining(CallScript s) {
        return toOffer(s).press("5");
    }

    private static CallScript toLobby(CallScript s) {
        return toJoining(s).enteredLobby();
    }
}
