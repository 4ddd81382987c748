package io.confbridge.sip.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One SIP message as it arrived (a datagram, or one message cut from a TCP stream), parsed just far
 * enough for a test UA: the start line,
 * the headers (compact forms expanded, names case-insensitive, folded lines joined) and the body cut at
 * Content-Length (RFC 3261 §7, §18.3).
 */
public final class SipMessage {

    /** RFC 3261 §7.3.3 compact forms, plus the few from extensions a bridge might send. */
    private static final Map<String, String> COMPACT_FORMS = Map.of(
            "i", "Call-ID",
            "f", "From",
            "t", "To",
            "v", "Via",
            "m", "Contact",
            "l", "Content-Length",
            "c", "Content-Type",
            "k", "Supported",
            "s", "Subject",
            "e", "Content-Encoding");

    private final String text;
    private final String startLine;
    private final List<Map.Entry<String, String>> headers;
    private final String body;

    private SipMessage(String text, String startLine, List<Map.Entry<String, String>> headers, String body) {
        this.text = text;
        this.startLine = startLine;
        this.headers = headers;
        this.body = body;
    }

    /**
     * @throws IllegalArgumentException if the text is not a SIP message at all
     */
    public static SipMessage parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return parse(bytes, bytes.length);
    }

    /**
     * @throws IllegalArgumentException if the datagram is not a SIP message at all
     */
    public static SipMessage parse(byte[] data, int length) {
        String text = new String(data, 0, length, StandardCharsets.UTF_8);
        int headerEnd = text.indexOf("\r\n\r\n");
        int bodyStart;
        if (headerEnd >= 0) {
            bodyStart = headerEnd + 4;
        } else {
            headerEnd = text.indexOf("\n\n");
            bodyStart = headerEnd >= 0 ? headerEnd + 2 : text.length();
            if (headerEnd < 0) {
                headerEnd = text.length();
            }
        }
        String[] lines = text.substring(0, headerEnd).split("\r?\n");
        if (lines.length == 0 || !(lines[0].startsWith("SIP/2.0 ") || lines[0].endsWith(" SIP/2.0"))) {
            throw new IllegalArgumentException("not a SIP start line: " + (lines.length == 0 ? "" : lines[0]));
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                // RFC 3261 §7.3.1: a line starting with white space continues the previous header.
                Map.Entry<String, String> last = headers.remove(headers.size() - 1);
                headers.add(Map.entry(last.getKey(), last.getValue() + " " + line.trim()));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("bad header line: " + line);
            }
            headers.add(Map.entry(canonicalName(line.substring(0, colon).trim()), line.substring(colon + 1).trim()));
        }
        String rawBody = text.substring(Math.min(bodyStart, text.length()));
        String body = rawBody;
        String contentLength = firstValue(headers, "Content-Length");
        if (contentLength != null) {
            // Content-Length counts bytes, not chars; SDP is ASCII so the two agree here.
            int declared = Integer.parseInt(contentLength.trim());
            body = rawBody.substring(0, Math.min(declared, rawBody.length()));
        }
        return new SipMessage(text, lines[0], headers, body);
    }

    private static String canonicalName(String name) {
        String expanded = COMPACT_FORMS.get(name.toLowerCase(Locale.ROOT));
        return expanded != null ? expanded : name;
    }

    private static String firstValue(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    public boolean isResponse() {
        return startLine.startsWith("SIP/2.0 ");
    }

    /** The status code of a response. */
    public int statusCode() {
        if (!isResponse()) {
            throw new IllegalStateException("not a response: " + startLine);
        }
        String[] parts = startLine.split(" ", 3);
        return Integer.parseInt(parts[1]);
    }

    /** The method of a request, or for a response the method in its CSeq (the request it answers). */
    public String method() {
        if (isResponse()) {
            return cseqMethod();
        }
        return startLine.substring(0, startLine.indexOf(' '));
    }

    public String startLine() {
        return startLine;
    }

    /** The first value of a header, by its full name (compact forms were expanded on parsing). */
    public Optional<String> header(String name) {
        return Optional.ofNullable(firstValue(headers, name));
    }

    /**
     * Every occurrence of a header, in order, each whole: for headers whose commas do not separate
     * values, such as the parameters of a {@code WWW-Authenticate} challenge.
     */
    public List<String> headerLines(String name) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                lines.add(h.getValue());
            }
        }
        return lines;
    }

    /** Every value of a header, in order, comma-separated values split apart (for Via, Record-Route). */
    public List<String> headerValues(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                for (String v : splitOutsideQuotesAndBrackets(h.getValue())) {
                    values.add(v.trim());
                }
            }
        }
        return values;
    }

    public String body() {
        return body;
    }

    /** The body's lines, for SDP. */
    public List<String> bodyLines() {
        return List.of(body.split("\r\n"));
    }

    public String callId() {
        return header("Call-ID").orElse("");
    }

    /** The CSeq method, which ties a response to the request it answers (CANCEL shares INVITE's branch). */
    public String cseqMethod() {
        String cseq = header("CSeq").orElse("").trim();
        int space = cseq.lastIndexOf(' ');
        return space < 0 ? "" : cseq.substring(space + 1).trim();
    }

    public long cseqNumber() {
        String cseq = header("CSeq").orElse("").trim();
        int space = cseq.indexOf(' ');
        return space < 0 ? -1 : Long.parseLong(cseq.substring(0, space).trim());
    }

    /** The branch parameter of the topmost Via, which names the transaction (RFC 3261 §17.1.3). */
    public String topViaBranch() {
        List<String> vias = headerValues("Via");
        return vias.isEmpty() ? "" : parameter(vias.get(0), "branch").orElse("");
    }

    public Optional<String> toTag() {
        return header("To").flatMap(v -> parameter(v, "tag"));
    }

    public Optional<String> fromTag() {
        return header("From").flatMap(v -> parameter(v, "tag"));
    }

    /** The URI of the Contact header, without angle brackets and header parameters. */
    public Optional<String> contactUri() {
        return header("Contact").map(SipMessage::uriOf);
    }

    /** The URI inside a name-addr ({@code "A" <sip:a@h>;tag=x}) or a bare addr-spec. */
    static String uriOf(String nameAddr) {
        int lt = nameAddr.indexOf('<');
        if (lt >= 0) {
            int gt = nameAddr.indexOf('>', lt);
            return nameAddr.substring(lt + 1, gt < 0 ? nameAddr.length() : gt).trim();
        }
        int semi = nameAddr.indexOf(';');
        return (semi < 0 ? nameAddr : nameAddr.substring(0, semi)).trim();
    }

    /** A header parameter ({@code ;tag=}, {@code ;branch=}), looked for outside any {@code <...>} URI. */
    public static Optional<String> parameter(String headerValue, String name) {
        String params = headerValue;
        int gt = headerValue.lastIndexOf('>');
        if (gt >= 0) {
            params = headerValue.substring(gt + 1);
        }
        for (String p : params.split(";")) {
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).trim();
            if (key.equalsIgnoreCase(name)) {
                return Optional.of(eq < 0 ? "" : p.substring(eq + 1).trim());
            }
        }
        return Optional.empty();
    }

    private static List<String> splitOutsideQuotesAndBrackets(String value) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int depth = 0;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                depth++;
            } else if (!quoted && c == '>') {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        return parts;
    }

    /** Every header line as received (names expanded), for building responses that must copy them. */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** The whole message as received, for assertion messages. */
    @Override
    public String toString() {
        return text;
    }
}
