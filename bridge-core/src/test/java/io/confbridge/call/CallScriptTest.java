package io.confbridge.call;

import io.confbridge.call.CallEffect.StopPrompts;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import static io.confbridge.call.CallScript.DIGIT_TIMEOUT_MS;
import static io.confbridge.call.CallScript.prompts;
import static io.confbridge.call.CallScript.timer;
import static io.confbridge.prompt.Prompt.ENTER_CONFERENCE_ID;
import static io.confbridge.prompt.Prompt.WELCOME;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness must catch what it promises to catch, or the call tests prove less than they say. */
class CallScriptTest {

    @Test
    void effectLeftUnreadFailsTheTest() {
        CallScript script = new CallScript();
        script.answer();

        AssertionFailedError failure = assertThrows(AssertionFailedError.class, script::assertNoUnreadEffects);
        assertTrue(failure.getMessage().contains("WELCOME"), failure.getMessage());
    }

    @Test
    void effectsAreReadInOrder() {
        CallScript script = new CallScript();
        script.answer().press("4");

        assertThrows(AssertionFailedError.class, () -> script.expect(new StopPrompts()));
    }

    @Test
    void expectedTimerMatchesOnlyItsDelay() {
        CallScript script = new CallScript();
        script.answer().promptsFinished().expect(prompts(WELCOME));

        assertThrows(AssertionFailedError.class, () -> script.expect(timer(DIGIT_TIMEOUT_MS + 1)));
    }

    @Test
    void firesTheArmedTimerAndRemembersStaleTokens() {
        CallScript script = new CallScript();
        script.answer().promptsFinished().press("4").drain();
        int current = script.latestToken();
        int stale = script.staleToken();
        assertNotEquals(current, stale);

        script.fireStaleTimer().expectNothing();
        assertTrue(script.timerArmed());
        script.fireTimer().expect(prompts(ENTER_CONFERENCE_ID));
        assertFalse(script.timerArmed());
        assertThrows(AssertionFailedError.class, script::fireTimer);
    }
}
