package io.confbridge.call;

import java.time.Duration;
import java.util.function.Consumer;

import static io.confbridge.call.CallScript.PIN_MEETING;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Scripted ways to bring a call into each state, with what the call holds there: an armed timer, a
 * place in a meeting or its lobby, a prompt still speaking. Some states are reached in several ways
 * because the way matters (PIN entry from the menu or from the lobby; a prompt playing or finished).
 * Every {@link CallState} is reached by at least one path.
 */
enum CallPath {
    FRESH(CallState.NEW, Timer.NONE, Place.OUTSIDE, s -> {
    }),
    WELCOME_PLAYING(CallState.COLLECTING_CONFERENCE_ID, Timer.NONE, Place.OUTSIDE,
            CallScript::answer),
    WAITING_FOR_CONFERENCE_ID(CallState.COLLECTING_CONFERENCE_ID, Timer.ARMED, Place.OUTSIDE,
            s -> s.answer().promptsFinished()),
    TYPING_CONFERENCE_ID(CallState.COLLECTING_CONFERENCE_ID, Timer.ARMED, Place.OUTSIDE,
            s -> s.answer().press("47")),
    LOOKING_UP_TYPED_ID(CallState.VALIDATING_CONFERENCE_ID, Timer.NONE, Place.OUTSIDE,
            s -> s.answer().press("4711001#")),
    LOOKING_UP_DIALLED_ID(CallState.VALIDATING_CONFERENCE_ID, Timer.NONE, Place.OUTSIDE,
            s -> s.answer("4711001")),
    OFFERING_STAR(CallState.OFFERING_ORGANIZER_STAR, Timer.NONE, Place.OUTSIDE,
            s -> s.answer("4711001").found(PIN_MEETING)),
    WAITING_FOR_STAR(CallState.OFFERING_ORGANIZER_STAR, Timer.ARMED, Place.OUTSIDE,
            s -> s.answer("4711001").found(PIN_MEETING).promptsFinished()),
    PIN_PROMPT_PLAYING(CallState.COLLECTING_PIN, Timer.NONE, Place.OUTSIDE,
            s -> s.answer("4711001").found(PIN_MEETING).press("*")),
    TYPING_PIN(CallState.COLLECTING_PIN, Timer.ARMED, Place.OUTSIDE,
            s -> s.answer("4711001").found(PIN_MEETING).press("*12")),
    VERIFYING_PIN(CallState.VERIFYING_PIN, Timer.NONE, Place.OUTSIDE,
            s -> s.answer("4711001").found(PIN_MEETING).press("*1234#")),
    JOINING_AS_CALLER(CallState.JOINING, Timer.NONE, Place.IN_MEETING_OR_LOBBY,
            s -> s.answer("4711001").found(PIN_MEETING).promptsFinished().fireTimer()),
    JOINING_AS_ORGANIZER(CallState.JOINING, Timer.NONE, Place.IN_MEETING_OR_LOBBY,
            s -> s.answer("4711001").found(PIN_MEETING).press("*1234#").pinChecked(true)),
    LOBBY_ANNOUNCEMENT(CallState.IN_LOBBY, Timer.ARMED, Place.IN_MEETING_OR_LOBBY,
            CallPath::toLobby),
    LOBBY_HOLD_MUSIC(CallState.IN_LOBBY, Timer.ARMED, Place.IN_MEETING_OR_LOBBY,
            s -> toLobby(s).advance(Duration.ofSeconds(8)).promptsFinished()),
    LOBBY_PIN_PROMPT(CallState.COLLECTING_PIN, Timer.NONE, Place.IN_MEETING_OR_LOBBY,
            s -> toLobby(s).press("*")),
    LOBBY_TYPING_PIN(CallState.COLLECTING_PIN, Timer.ARMED, Place.IN_MEETING_OR_LOBBY,
            s -> toLobby(s).press("*12")),
    LOBBY_VERIFYING_PIN(CallState.VERIFYING_PIN, Timer.NONE, Place.IN_MEETING_OR_LOBBY,
            s -> toLobby(s).press("*1234#")),
    MEETING_ANNOUNCEMENT(CallState.IN_MEETING, Timer.NONE, Place.IN_MEETING_OR_LOBBY,
            s -> s.answer("4711001").found(PIN_MEETING).press("5").admitted()),
    IN_MEETING(CallState.IN_MEETING, Timer.NONE, Place.IN_MEETING_OR_LOBBY,
            s -> s.answer("4711001").found(PIN_MEETING).press("5").admitted().promptsFinished()),
    GOODBYE_AFTER_UNKNOWN_IDS(CallState.SAYING_GOODBYE, Timer.NONE, Place.OUTSIDE,
            s -> s.answer().press("1111#").notFound().press("2222#").notFound().press("3333#").notFound()),
    GOODBYE_AFTER_LOBBY_TIMEOUT(CallState.SAYING_GOODBYE, Timer.NONE, Place.OUTSIDE,
            s -> toLobby(s).advance(Duration.ofMinutes(60)).fireTimer()),
    GOODBYE_AFTER_MEETING_ENDED(CallState.SAYING_GOODBYE, Timer.NONE, Place.OUTSIDE,
            s -> s.answer("4711001").found(PIN_MEETING).press("5").admitted().meetingEnded()),
    ENDED(CallState.ENDED, Timer.NONE, Place.OUTSIDE,
            s -> s.answer().press("1111#").notFound().press("2222#").notFound().press("3333#").notFound()
                    .promptsFinished());

    /** Whether the call has its one timer armed at the end of the path. */
    enum Timer { NONE, ARMED }

    /** Whether the meeting holds the call (as participant, in its lobby, or asked to take it). */
    enum Place { OUTSIDE, IN_MEETING_OR_LOBBY }

    final CallState state;
    final Timer timer;
    final Place place;
    private final Consumer<CallScript> steps;

    CallPath(CallState state, Timer timer, Place place, Consumer<CallScript> steps) {
        this.state = state;
        this.timer = timer;
        this.place = place;
        this.steps = steps;
    }

    /** Plays the path on a fresh script, drops the effects on the way, and checks where it ended. */
    CallScript reach(CallScript script) {
        steps.accept(script);
        script.drain();
        assertEquals(state, script.state(), "path " + name());
        assertEquals(timer == Timer.ARMED, script.timerArmed(), "timer armed at the end of path " + name());
        return script;
    }

    /** A caller (who declined the star offer) waiting in the lobby, its announcement still playing. */
    private static CallScript toLobby(CallScript s) {
        return s.answer("4711001").found(PIN_MEETING).press("5").enteredLobby();
    }
}
