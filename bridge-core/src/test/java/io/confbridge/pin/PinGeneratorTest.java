package io.confbridge.pin;

import io.confbridge.pin.support.ScriptedRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PinGeneratorTest {

    @ParameterizedTest(name = "{0} trivial={1}")
    @CsvSource({
            "0000, true", "77777, true", "999999999999, true",
            "1234, true", "12345, true", "0123456789, true", "56789, true",
            "9876, true", "98765, true", "43210, true",
            "89012, true", "7890123, true", "21098, true", "10987, true",
            "1235, false", "12344, false", "11112, false", "13579, false", "97531, false",
            "48213, false", "1212, false", "90817, false", "2109, true", "0987, true"
    })
    void detectsTrivialPins(String pin, boolean trivial) {
        assertEquals(trivial, PinGenerator.isTrivial(pin));
    }

    @Test
    void isTrivialRefusesNonPins() {
        assertThrows(IllegalArgumentException.class, () -> PinGenerator.isTrivial("123"));
        assertThrows(IllegalArgumentException.class, () -> PinGenerator.isTrivial("12a4"));
    }

    @Test
    void manyDrawsAreNeverTrivialOrForbiddenAndUseEveryDigitEverywhere() {
        PinGenerator generator = new PinGenerator(new SecureRandom());
        List<String> forbidden = List.of("4711001", "+1 (425) 555-0100");
        boolean[][] seen = new boolean[4][10];

        for (int i = 0; i < 5000; i++) {
            String pin = generator.generate(4, forbidden);
            assertTrue(pin.matches("[0-9]{4}"), pin);
            assertFalse(PinGenerator.isTrivial(pin), pin);
            assertFalse("4711001".contains(pin) || "14255550100".contains(pin), pin);
            for (int p = 0; p < 4; p++) {
                seen[p][pin.charAt(p) - '0'] = true;
            }
        }
        for (int p = 0; p < 4; p++) {
            for (int d = 0; d < 10; d++) {
                assertTrue(seen[p][d], "digit " + d + " never drawn at position " + p);
            }
        }
    }

    @Test
    void longPinsAvoidContainingForbiddenStrings() {
        PinGenerator generator = new PinGenerator(new ScriptedRandom("123456789012", "904711001555", "904711101555"));

        assertEquals("904711101555", generator.generate(12, List.of("4711001")));
    }

    @Test
    void skipsTrivialAndForbiddenProposals() {
        ScriptedRandom random = new ScriptedRandom("1234", "5555", "4711", "0100", "5829");
        PinGenerator generator = new PinGenerator(random);

        assertEquals("5829", generator.generate(4, List.of("4711001", "+1 (425) 555-0100")));
        assertTrue(random.scriptUsedUp());
    }

    @Test
    void shortForbiddenStringsOnlyForbidEquality() {
        PinGenerator generator = new PinGenerator(new ScriptedRandom("4712"));

        assertEquals("4712", generator.generate(4, List.of("47", "")));
    }

    @Test
    void refusesLengthsOutsideFourToTwelve() {
        PinGenerator generator = new PinGenerator(new SecureRandom());

        assertThrows(IllegalArgumentException.class, () -> generator.generate(3, List.of()));
        assertThrows(IllegalArgumentException.class, () -> generator.generate(13, List.of()));
        assertEquals(12, generator.generate(12, List.of()).length());
    }
}
