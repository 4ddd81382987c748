package io.confbridge.sip.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A SIP message as the test client received it: start line, headers in order, body. */
public final class SipTestMessage {

    private static final Map<String, String> COMPACT = Map.of(
            "v", "via", "f", "from", "t", "to", "i", "call-id", "m", "contact",
            "l", "content-length", "c", "content-type", "k", "supported");

    private final String startLine;
    private final List<String[]> headers;
    private final String body;
    private final String raw;

    private SipTestMessage(String startLine, List<String[]> headers, String body, String raw) {
        this.startLine = startLine;
        this.headers = headers;
        this.body = body;
        this.raw = raw;
    }

    public static SipTestMessage parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        String[] lines = head.split("\r\n");
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {canonical(lines[i].substring(0, colon).trim()), lines[i].substring(colon + 1).trim()});
            }
        }
        return new SipTestMessage(lines[0], headers, body, text);
    }

    private static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return COMPACT.getOrDefault(lower, lower);
    }

    public boolean isResponse() {
        return startLine.startsWith("SIP/2.0 ");
    }

    public int status() {
        return isResponse() ? Integer.parseInt(startLine.substring(8, 11)) : -1;
    }

    /** The request method, or for a response the method in its CSeq. */
    public String method() {
        return isResponse() ? cseqMethod() : startLine.substring(0, startLine.indexOf(' '));
    }

    public String header(String name) {
        String wanted = canonical(name);
        for (String[] h : headers) {
            if (h[0].equals(wanted)) {
                return h[1];
            }
        }
        return null;
    }

    public List<String> headers(String name) {
        String wanted = canonical(name);
        List<String> values = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equals(wanted)) {
                values.add(h[1]);
            }
        }
        return values;
    }

    public long cseqNumber() {
        return Long.parseLong(header("CSeq").split("\\s+")[0]);
    }

    public String cseqMethod() {
        return header("CSeq").split("\\s+")[1];
    }

    public String toTag() {
        return tagOf(header("To"));
    }

    public String callId() {
        return header("Call-ID");
    }

    static String tagOf(String headerValue) {
        if (headerValue == null) {
            return null;
        }
        for (String param : headerValue.split(";")) {
            String p = param.trim();
            if (p.startsWith("tag=")) {
                return p.substring(4);
            }
        }
        return null;
    }

    public String body() {
        return body;
    }

    public List<String> bodyLines() {
        return List.of(body.split("\r\n"));
    }

    public String startLine() {
        return startLine;
    }

    @Override
    public String toString() {
        return raw;
    }
}
