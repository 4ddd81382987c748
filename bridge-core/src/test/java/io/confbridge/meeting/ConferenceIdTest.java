package io.confbridge.meeting;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConferenceIdTest {

    @Test
    void fourToTwelveAsciiDigitsAndNothingElse() {
        assertTrue(ConferenceId.isWellFormed("4711"));
        assertTrue(ConferenceId.isWellFormed("4711001"));
        assertTrue(ConferenceId.isWellFormed("012345678901"));

        assertFalse(ConferenceId.isWellFormed(null));
        assertFalse(ConferenceId.isWellFormed(""));
        assertFalse(ConferenceId.isWellFormed("471"));
        assertFalse(ConferenceId.isWellFormed("0123456789012"));
        assertFalse(ConferenceId.isWellFormed("12ab"));
        assertFalse(ConferenceId.isWellFormed(" 4711"));
        assertFalse(ConferenceId.isWellFormed("+4711"));
        assertFalse(ConferenceId.isWellFormed("4711#"));
        assertFalse(ConferenceId.isWellFormed("\u0664\u0667\u0661\u0661"), "Arabic-Indic digits are not keypad digits");
    }
}
