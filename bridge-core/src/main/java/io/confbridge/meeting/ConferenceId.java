package io.confbridge.meeting;

/**
 * The rule for a conference ID (SPEC §2): 4–12 ASCII digits. Callers type one on the keypad or dial it as
 * the Request-URI user part; administrators name meetings by it. Checked without allocating, since the call
 * path asks too.
 */
public final class ConferenceId {

    public static final int MIN_DIGITS = 4;
    public static final int MAX_DIGITS = 12;

    private ConferenceId() {
    }

    /** Whether {@code candidate} is 4–12 digits, nothing else (no spaces, no sign); null is not. */
    public static boolean isWellFormed(CharSequence candidate) {
        if (candidate == null || candidate.length() < MIN_DIGITS || candidate.length() > MAX_DIGITS) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
