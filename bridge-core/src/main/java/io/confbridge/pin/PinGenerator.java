package io.confbridge.pin;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Generates organizer PINs from a CSPRNG, refusing guessable ones: one digit repeated, runs up or down
 * (wrapping 9→0 too), and anything equal to, inside, or around a forbidden string such as the meeting's
 * conference ID or the organizer's phone number.
 */
public final class PinGenerator {

    /**
     * Draws per PIN before giving up. Trivial PINs are a tiny fraction of all PINs, so this is only ever
     * reached when the forbidden strings rule out (almost) every PIN of the length: a caller bug.
     */
    private static final int MAX_DRAWS = 10_000;

    private final SecureRandom random;

    public PinGenerator(SecureRandom random) {
        this.random = random;
    }

    /**
     * @param length    4–12 digits
     * @param forbidden strings the PIN must not equal, contain or be contained in (only digits count, so a
     *                  phone number may keep its punctuation); containment is checked when the forbidden
     *                  digits are at least 4 long
     * @throws IllegalArgumentException if {@code length} is outside 4–12
     */
    String generate(int length, Collection<String> forbidden) {
        if (length < Pins.MIN_LENGTH || length > Pins.MAX_LENGTH) {
            throw new IllegalArgumentException("PIN length " + length + " is outside 4–12");
        }
        List<String> forbiddenDigits = new ArrayList<>();
        for (String f : forbidden) {
            String digits = f == null ? "" : f.replaceAll("[^0-9]", "");
            if (!digits.isEmpty()) {
                forbiddenDigits.add(digits);
            }
        }
        char[] pin = new char[length];
        for (int draw = 0; draw < MAX_DRAWS; draw++) {
            for (int i = 0; i < length; i++) {
                pin[i] = (char) ('0' + random.nextInt(10));
            }
            String candidate = new String(pin);
            if (!isTrivial(candidate) && !clashes(candidate, forbiddenDigits)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no acceptable " + length + "-digit PIN in " + MAX_DRAWS
                + " draws; the forbidden strings exclude nearly every PIN");
    }

    /**
     * True for PINs anyone would try first: one digit repeated ({@code 77777}) and every step +1 or every
     * step −1, modulo 10 ({@code 12345}, {@code 98765}, {@code 89012}, {@code 21098}).
     *
     * @throws IllegalArgumentException if {@code pin} is not 4–12 digits
     */
    public static boolean isTrivial(String pin) {
        if (!Pins.isWellFormed(pin)) {
            throw new IllegalArgumentException("not a PIN of 4–12 digits");
        }
        return hasConstantStep(pin, 0) || hasConstantStep(pin, 1) || hasConstantStep(pin, 9);
    }

    private static boolean hasConstantStep(String pin, int step) {
        for (int i = 1; i < pin.length(); i++) {
            if ((pin.charAt(i - 1) - '0' + step) % 10 != pin.charAt(i) - '0') {
                return false;
            }
        }
        return true;
    }

    private static boolean clashes(String pin, List<String> forbiddenDigits) {
        for (String f : forbiddenDigits) {
            if (pin.equals(f)) {
                return true;
            }
            if (f.length() >= Pins.MIN_LENGTH && (pin.contains(f) || f.contains(pin))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "PinGenerator[" + random.getAlgorithm() + "]";
    }
}
