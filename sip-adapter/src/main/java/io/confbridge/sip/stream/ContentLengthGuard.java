package io.confbridge.sip.stream;

import java.nio.charset.StandardCharsets;

/**
 * Watches the bytes of one SIP-over-TCP (or decrypted TLS) connection before jain-sip's NIO framing parser
 * sees them, for the one line that parser trusts blindly: {@code Content-Length}. The parser allocates
 * {@code new byte[contentLength]} for the body as soon as the headers end, so a message claiming two
 * gigabytes throws an {@link OutOfMemoryError} on the stack's only TCP selector thread, which ends SIP over
 * TCP for every caller (found by the SIP fuzz test, issue 9 §5); a few hundred megabytes on several
 * connections exhausts the heap instead. A connection whose Content-Length is negative or above the
 * stack's maximum message size is refused before the parser reads that line.
 *
 * <p>The check mirrors the parser's own reading so that it refuses exactly what would reach that allocation:
 * the parser drops every CR byte of a line wherever it stands, decodes the rest as UTF-8, and takes a line
 * starting, in any case, with {@code content-length}; it skips the next character (one character, which
 * may be several bytes), trims, and reads an {@code int}, in whatever script's digits. A check that kept
 * the CRs or read the value byte by byte let {@code Content-Length: 21474\r83647} through (found by the SIP
 * fuzz test's CRLF injection). It looks at every line of the stream, bodies included: a body line that looks
 * like an oversized Content-Length header is refused too, which no real SIP body carries. Not thread-safe:
 * one guard per connection, fed from the selector thread.
 */
public final class ContentLengthGuard {
    private static final byte[] NAME = "content-length".getBytes(StandardCharsets.US_ASCII);
    /** A real Content-Length line is under 30 bytes; past this it is padding meant to slip by. */
    static final int MAX_LINE = 256;

    private final int maxBody;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private String refusal;

    public ContentLengthGuard(int maxBody) {
        this.maxBody = maxBody;
    }

    /**
     * Reads {@code bytes} (the next part of the stream). Returns false, for this call and every later one,
     * once the stream has carried a Content-Length the parser must not act on; {@link #refusal()} says why.
     */
    public boolean accept(byte[] bytes) {
        if (refusal != null) {
            return false;
        }
        for (byte b : bytes) {
            if (b == '\r') {
                continue; // the parser drops it, so a CR inside the name or the number must not hide them
            }
            if (b == '\n') {
                if (!lineAllowed()) {
                    return false;
                }
                lineLength = 0;
            } else {
                if (lineLength < MAX_LINE) {
                    line[lineLength] = b;
                } else if (lineLength == MAX_LINE && namesContentLength()) {
                    refusal = "a Content-Length line over " + MAX_LINE + " bytes";
                    return false;
                }
                lineLength++;
            }
        }
        return true;
    }

    /** Why the stream was refused, or null while it is not. */
    public String refusal() {
        return refusal;
    }

    private boolean lineAllowed() {
        if (!namesContentLength() || lineLength <= NAME.length) {
            return true;
        }
        // The parser skips the character after the name (meant to be the colon) and trims the rest. The name
        // is ASCII, so its 14 bytes are its 14 characters; what follows is counted in characters, as there.
        String text = new String(line, 0, Math.min(lineLength, MAX_LINE), StandardCharsets.UTF_8);
        String value = text.substring(NAME.length + 1).trim();
        int length;
        try {
            length = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return true; // the parser fails on it the same way, with an exception it survives
        }
        if (length < 0 || length > maxBody) {
            refusal = "Content-Length " + length + " outside 0-" + maxBody;
            return false;
        }
        return true;
    }

    private boolean namesContentLength() {
        if (lineLength < NAME.length) {
            return false;
        }
        for (int i = 0; i < NAME.length; i++) {
            byte b = line[i];
            byte lower = b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
            if (lower != NAME[i]) {
                return false;
            }
        }
        return true;
    }
}
