package io.confbridge.call;

import io.confbridge.call.CallEffect.CancelTimer;
import io.confbridge.call.CallEffect.LeaveMeeting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.confbridge.call.CallScript.PIN_MEETING;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** SPEC §2.4 "or the caller hangs up": a hang-up ends the call in every state and undoes what it holds. */
class HangUpTest {

    @RegisterExtension
    final CallScript call = new CallScript();

    /**
     * Ends the call at once; leaves the meeting exactly when the meeting holds the call (joining, lobby,
     * participant, PIN entry from the lobby); disarms the timer exactly when one is armed.
     */
    @ParameterizedTest
    @EnumSource(CallPath.class)
    void hangUpEndsTheCallAndUndoesWhatItHolds(CallPath path) {
        path.reach(call);
        List<CallEffect> undo = new ArrayList<>();
        if (path.timer == CallPath.Timer.ARMED) {
            undo.add(new CancelTimer());
        }
        if (path.place == CallPath.Place.IN_MEETING_OR_LOBBY) {
            undo.add(new LeaveMeeting());
        }

        call.hungUp().expect(undo.toArray(CallEffect[]::new)).assertState(CallState.ENDED);

        assertEndedCallIgnoresEverything();
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
        CallPath.LOBBY_HOLD_MUSIC.reach(call);
        call.hungUp().expect(new CancelTimer(), new LeaveMeeting());

        call.hungUp().expectNothing().assertState(CallState.ENDED);
    }

    private void assertEndedCallIgnoresEverything() {
        for (EventKind kind : EventKind.values()) {
            call.send(kind.eventFor(call)).expectNothing();
            assertEquals(CallState.ENDED, call.state(), kind.name());
        }
    }
}
