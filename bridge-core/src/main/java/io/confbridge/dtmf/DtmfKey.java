package io.confbridge.dtmf;

/**
 * The sixteen DTMF keys and their RFC 4733 §3.2 event codes: 0–9 are the digits, 10 is {@code *},
 * 11 is {@code #}, 12–15 are {@code A}–{@code D}. Keys are plain {@code char}s, so the media path
 * passes them around without boxing; {@link #NONE} (char 0) means "no key".
 */
public final class DtmfKey {

    /** The char that stands for "no key". */
    public static final char NONE = 0;

    private static final char[] BY_EVENT = "0123456789*#ABCD".toCharArray();

    private DtmfKey() {
    }

    /** The key of an RFC 4733 event code, or {@link #NONE} for codes outside 0–15 (tones, flash). */
    public static char fromEvent(int event) {
        return event >= 0 && event < BY_EVENT.length ? BY_EVENT[event] : NONE;
    }

    /** The RFC 4733 event code of a key ({@code a}–{@code d} accepted too), or -1 if it is none. */
    public static int toEvent(char key) {
        if (key >= '0' && key <= '9') {
            return key - '0';
        }
        return switch (key) {
            case '*' -> 10;
            case '#' -> 11;
            case 'A', 'a' -> 12;
            case 'B', 'b' -> 13;
            case 'C', 'c' -> 14;
            case 'D', 'd' -> 15;
            default -> -1;
        };
    }

    /** Whether the char is one of the sixteen keys. */
    public static boolean isKey(char key) {
        return toEvent(key) >= 0;
    }
}
