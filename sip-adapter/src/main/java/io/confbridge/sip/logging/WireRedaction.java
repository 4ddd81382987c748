package io.confbridge.sip.logging;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Takes secrets out of SIP text before it is logged: the values of {@code Authorization} and
 * {@code Proxy-Authorization} headers (a digest response can be attacked offline for the password) and the
 * bodies of INFO requests (DTMF: the digits of a PIN as the caller types it). Works on text, so it also
 * covers the messages jain-sip quotes in its own log lines. Only called when a line is really logged.
 */
public final class WireRedaction {

    static final String REDACTED = "<redacted>";

    /** An INFO request line, also where a log line quotes it after some words of its own. */
    private static final Pattern INFO_LINE = Pattern.compile("(^|\\s)INFO \\S+ SIP/2\\.0$");

    private WireRedaction() {
    }

    /** {@code text} with credentials and INFO bodies replaced; null stays null. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean inInfo = false;
        boolean inHeaders = false;
        boolean skippingContinuation = false;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            int next = end < 0 ? text.length() + 1 : end + 1;
            String line = text.substring(start, end < 0 ? text.length() : end);
            String bare = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            String newline = end < 0 ? "" : text.substring(start + bare.length(), end + 1);
            if (isRequestLine(bare)) {
                inHeaders = true;
                inInfo = INFO_LINE.matcher(bare).find();
                skippingContinuation = false;
                out.append(line).append(end < 0 ? "" : "\n");
            } else if (inHeaders && bare.isEmpty()) {
                // End of the headers: an INFO body (DTMF) is dropped up to the next message, if any.
                inHeaders = false;
                out.append(line).append(end < 0 ? "" : "\n");
                if (inInfo) {
                    int bodyEnd = nextStartLine(text, next);
                    if (bodyEnd > next) {
                        out.append(REDACTED).append(" (INFO body, ").append(bodyEnd - next).append(" chars)");
                        out.append(bodyEnd < text.length() ? "\r\n" : "");
                        next = bodyEnd;
                    }
                    inInfo = false;
                }
            } else if (skippingContinuation && (bare.startsWith(" ") || bare.startsWith("\t"))) {
                // A folded line of a redacted header (RFC 3261 §7.3.1): dropped with it.
            } else if (isCredentialHeader(bare)) {
                skippingContinuation = true;
                out.append(bare, 0, bare.indexOf(':') + 1).append(' ').append(REDACTED).append(newline);
            } else {
                skippingContinuation = false;
                out.append(line).append(end < 0 ? "" : "\n");
            }
            start = next;
        }
        return out.toString();
    }

    private static boolean isCredentialHeader(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        // Also where jain-sip quotes a header inside a longer log line ("... Authorization: Digest ...").
        return name.equals("authorization") || name.equals("proxy-authorization")
                || name.endsWith(" authorization") || name.endsWith(" proxy-authorization");
    }

    /** A SIP request line: {@code METHOD sip:... SIP/2.0}. */
    private static boolean isRequestLine(String line) {
        return line.endsWith(" SIP/2.0") && line.indexOf(' ') > 0 && line.indexOf(' ') < line.length() - 8;
    }

    /** Where the next SIP message starts in {@code text} from {@code from} (a request or status line), or its end. */
    private static int nextStartLine(String text, int from) {
        int start = from;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            String line = text.substring(start, end < 0 ? text.length() : end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (isRequestLine(line) || line.startsWith("SIP/2.0 ")) {
                return start;
            }
            if (end < 0) {
                break;
            }
            start = end + 1;
        }
        return text.length();
    }
}
