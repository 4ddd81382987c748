package io.confbridge.store;

/**
 * Text an attacker may have chosen (a SIP From user, a display name, a caller ID) made safe to store in the
 * audit log and to print on an administrator's terminal: control characters (C0, DEL, C1, and the Unicode
 * line and paragraph separators and bidirectional overrides) become {@code ?}, so no escape sequence
 * reaches a terminal and no forged line reaches a log, and the text is cut to a length.
 */
public final class UntrustedText {

    /** Longest text kept in one audit field or CLI cell; what is cut is marked with an ellipsis. */
    public static final int DEFAULT_MAX_CHARS = 200;

    private UntrustedText() {
    }

    /** {@link #printable(String, int)} at {@link #DEFAULT_MAX_CHARS}. */
    public static String printable(String text) {
        return printable(text, DEFAULT_MAX_CHARS);
    }

    /**
     * {@code text} with every control character replaced by {@code ?}, cut to {@code maxChars} characters
     * (the last one then {@code …}, never half a surrogate pair); null stays null.
     */
    public static String printable(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars: " + maxChars);
        }
        boolean clean = text.length() <= maxChars;
        for (int i = 0; clean && i < text.length(); i++) {
            clean = !isControl(text.charAt(i));
        }
        if (clean) {
            return text;
        }
        boolean cut = text.length() > maxChars;
        int end = cut ? maxChars - 1 : text.length();
        if (cut && end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        StringBuilder out = new StringBuilder(end + 1);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            out.append(isControl(c) ? '?' : c);
        }
        if (cut) {
            out.append('…');
        }
        return out.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e' || c == '\u200f' || c == '\u061c';
    }
}
