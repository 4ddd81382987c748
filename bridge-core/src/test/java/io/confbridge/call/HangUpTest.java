package io.confbridge.call;

import io.confbridge.call.CallEffect.CancelTimer;
import io.confbridge.call.CallEffect.LeaveMeeting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.confbridge.call.CallScript.PIN_MEETING;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** SPEC §2.4 "or the caller hangs up": a hang-up ends the call in every state and undoes what it holds. */
class HangUpTest {

    @RegisterExtension
    final CallScript call = new CallScript();

    /** The states in which the meeting holds the call: asked to take it, in its lobby, or a participant. */
    private static final Set<CallState> MEETING_HOLDS_THE_CALL = EnumSet.of(CallState.JOINING, CallState.IN_LOBBY,
            CallState.LOBBY_COLLECTING_PIN, CallState.LOBBY_VERIFYING_PIN, CallState.IN_MEETING);

    /**
     * Ends the call at once; leaves the meeting exactly when the meeting holds the call (joining, lobby,
     * participant, PIN entry from the lobby); disarms the timer exactly when one is armed. Every row of
     * the state table, so every state with and without a prompt speaking, a timer armed, digits typed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.confbridge.call.CallStateTableTest#rows")
    void hangUpEndsTheCallAndUndoesWhatItHolds(CallStateTableTest.Row row) {
        row.reach(call);
        List<CallEffect> undo = new ArrayList<>();
        if (call.timerArmed()) {
            undo.add(new CancelTimer());
        }
        if (MEETING_HOLDS_THE_CALL.contains(call.state())) {
            undo.add(new LeaveMeeting());
        }

        call.hungUp().expect(undo.toArray(CallEffect[]::new)).assertState(CallState.ENDED);

        assertEndedCallIgnoresEverything();
    }

    @Test
    void theRowsCoverBothUndosAloneAndTogether() {
        Set<String> seen = new HashSet<>();
        CallStateTableTest.rows().forEach(row -> {
            CallScript script = row.reach(new CallScript());
            seen.add(script.timerArmed() + "/" + MEETING_HOLDS_THE_CALL.contains(script.state()));
        });
        assertEquals(Set.of("false/false", "true/false", "false/true", "true/true"), seen);
    }

    @Test
    void pinVerdictAfterHangUpIsIgnored() {
        call.answer("4711001").found(PIN_MEETING).press("*1234#").drain();
        call.assertState(CallState.VERIFYING_PIN);

        call.hungUp().expectNothing().assertState(CallState.ENDED);
        call.advance(Duration.ofMillis(200)).pinChecked(true).expectNothing().assertState(CallState.ENDED);
    }

    @Test
    void lookupAnswerAfterHangUpIsIgnored() {
        call.answer("4711001").drain();

        call.hungUp().expectNothing();
        call.found(PIN_MEETING).expectNothing().assertState(CallState.ENDED);
    }

    @Test
    void timerArmedBeforeTheHangUpIsIgnoredWhenItFires() {
        call.answer().promptsFinished().drain();
        int token = call.latestToken();

        call.hungUp().expect(new CancelTimer());
        call.advance(Duration.ofSeconds(10)).send(new CallEvent.TimerFired(token)).expectNothing();
    }

    @Test
    void secondHangUpDoesNothing() {
        CallPath.IN_LOBBY.reachOncePromptsFinished(call);
        call.hungUp().expect(new CancelTimer(), new LeaveMeeting());

        call.hungUp().expectNothing().assertState(CallState.ENDED);
    }

    private void assertEndedCallIgnoresEverything() {
        for (SampleEvent event : SampleEvent.values()) {
            call.send(event.eventFor(call)).expectNothing();
            assertEquals(CallState.ENDED, call.state(), event.name());
        }
    }
}
