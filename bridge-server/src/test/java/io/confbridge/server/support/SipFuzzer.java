package io.confbridge.server.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded SIP message fuzzer (issue 9 §5). It starts from real requests, the ones our test clients and SIPp
 * send (the {@code fuzz/*.sip} resources: INVITEs with and without SDP, a re-INVITE, INFOs with both DTMF
 * bodies, OPTIONS), renders one with a fresh branch, tag and Call-ID, and breaks it in one to three ways:
 * flipped bytes, truncation, a huge header, a bad Content-Length, CRLF injection, Unicode and invalid UTF-8,
 * a wrong method (in a dialog too), a multi-kilobyte SDP, headers dropped or repeated, numbers out of range.
 *
 * <p>Every IPv4 literal a mutation produced outside 127.0.0.0/8 is put back into it, so that whatever the
 * bridge does with the message (answer to Via, send media to {@code c=}) stays on loopback. The same seed
 * gives the same messages.
 */
public final class SipFuzzer {
    /** The ways a message is broken. */
    public enum Mutation {
        NONE, FLIP_BYTES, TRUNCATE, HUGE_HEADER, BAD_CONTENT_LENGTH, CRLF_INJECTION, UNICODE, WRONG_METHOD,
        HUGE_SDP, DROP_HEADER, REPEAT_HEADER, DELETE_SPAN, EXTREME_NUMBER
    }

    /** The templates under {@code src/test/resources/fuzz}. */
    public static final List<String> TEMPLATES = List.of("invite-testphone", "invite-sipp", "invite-rtcp-mux-srtp",
            "invite-late-offer", "reinvite-hold", "info-dtmf-relay", "info-dtmf", "options");

    private static final Mutation[] MUTATIONS = Mutation.values();
    private static final String[] METHODS = {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO", "UPDATE", "PRACK",
        "REGISTER", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH", "invite", "FOO", "", "INVITE INVITE",
        "\u00c9NVITE", "SIP/2.0"};
    private static final String[] UNICODE = {"\u00e9", "\u4f1a\u8bae", "\ud83d\udcde", "\u202e", "\u0000", "\ufeff",
        "\uffff", "\u200b", "\\", "\"", "<", ">", "%00", "%ff"};
    private static final String[] NUMBERS = {"-1", "0", "4294967296", "99999999999999999999", "2147483648", "65536",
        "1e9", "0x10", " ", ""};
    private static final Pattern IPV4 = Pattern.compile("(?<![0-9.])(\\d{1,3})(\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})(?![0-9])");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private final Random random;
    private final Map<String, String> templates;
    private final List<Mutation> applied = new ArrayList<>();
    private String lastTemplate;
    private long cseq = 100;

    public SipFuzzer(Random random) {
        this.random = random;
        java.util.LinkedHashMap<String, String> loaded = new java.util.LinkedHashMap<>();
        for (String name : TEMPLATES) {
            loaded.put(name, load(name));
        }
        this.templates = loaded;
    }

    /** The template and mutations of the last message, for a failure message. */
    public String lastDescription() {
        return lastTemplate + " " + applied;
    }

    /**
     * The next hostile message.
     *
     * @param values   the placeholders: {@code transport}, {@code local} (host:port of the sending socket),
     *                 {@code bridgePort}, {@code rtpPort}, {@code rtcpPort}, and the dialog's
     *                 {@code dialogTarget}, {@code dialogFrom}, {@code dialogTo}, {@code dialogCallId},
     *                 {@code dialogRtpPort}
     * @param maxBytes at most this long (a UDP datagram's limit)
     */
    public byte[] next(Map<String, String> values, int maxBytes) {
        lastTemplate = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
        String message = render(templates.get(lastTemplate), values);
        // Latin-1: one char a byte, so that byte-level mutations are exact; Unicode goes in as UTF-8 bytes.
        StringBuilder m = new StringBuilder(message);
        applied.clear();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            Mutation mutation = MUTATIONS[random.nextInt(MUTATIONS.length)];
            applied.add(mutation);
            mutate(m, mutation);
        }
        String sanitized = loopbackOnly(m.toString());
        byte[] bytes = sanitized.getBytes(StandardCharsets.ISO_8859_1);
        return bytes.length <= maxBytes ? bytes : java.util.Arrays.copyOf(bytes, maxBytes);
    }

    private String render(String template, Map<String, String> values) {
        String filled = template
                .replace("${branch}", "z9hG4bK" + Long.toHexString(random.nextLong() & Long.MAX_VALUE))
                .replace("${tag}", Integer.toHexString(random.nextInt()))
                .replace("${callId}", "fuzz-" + Long.toHexString(random.nextLong()) + "@127.0.0.1")
                .replace("${cseq}", Long.toString(cseq++));
        for (Map.Entry<String, String> e : values.entrySet()) {
            filled = filled.replace("${" + e.getKey() + "}", e.getValue());
        }
        filled = filled.replace("${transportLower}", values.getOrDefault("transport", "UDP").toLowerCase());
        int blank = filled.indexOf("\n\n");
        String head = filled.substring(0, blank + 1);
        String body = filled.substring(blank + 2);
        String crlfHead = head.replace("\n", "\r\n");
        String crlfBody = body.replace("\n", "\r\n");
        int length = crlfBody.getBytes(StandardCharsets.ISO_8859_1).length;
        return crlfHead.replace("${len}", Integer.toString(length)) + "\r\n" + crlfBody;
    }

    private void mutate(StringBuilder m, Mutation mutation) {
        if (m.length() == 0) {
            return;
        }
        switch (mutation) {
            case NONE -> { }
            case FLIP_BYTES -> {
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int at = random.nextInt(m.length());
                    m.setCharAt(at, (char) ((m.charAt(at) ^ (1 + random.nextInt(255))) & 0xFF));
                }
            }
            case TRUNCATE -> m.setLength(random.nextInt(m.length()));
            case HUGE_HEADER -> {
                // Mostly a few kilobytes; one in eight past the stack's 64 KB limit. Parsing 70 KB costs
                // the stack milliseconds of CPU: all of them would starve the media on a 2-core machine.
                int size = random.nextInt(8) == 0 ? 60_000 + random.nextInt(10_000) : 1_000 + random.nextInt(7_000);
                String name = random.nextBoolean() ? "X-Fuzz" : pick(new String[] {"Via", "From", "To", "Subject",
                    "Contact", "Call-ID", "Authorization"});
                String value = name.equals("Via") ? "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK" + "a".repeat(size)
                        : "x".repeat(size);
                m.insert(afterFirstLine(m), name + ": " + value + "\r\n");
            }
            case BAD_CONTENT_LENGTH -> {
                String value = pick(new String[] {"-1", "0", "1", "999999", "2147483647", "2147483648", "abc",
                    "10 20", "", "99999999999999999999"});
                replaceHeaderValue(m, "Content-Length", random.nextBoolean() ? value
                        : Integer.toString(random.nextInt(4000)));
            }
            case CRLF_INJECTION -> {
                String injected = pick(new String[] {"\r\n", "\r\n\r\n", "\n", "\r", "\r\nVia: SIP/2.0/UDP evil\r\n",
                    "\r\n\r\nINVITE sip:x@127.0.0.1 SIP/2.0\r\n", "\r\n Folded: yes", "\r\n\t"});
                m.insert(random.nextInt(m.length()), injected);
            }
            case UNICODE -> {
                int inserts = 1 + random.nextInt(5);
                for (int i = 0; i < inserts; i++) {
                    String text = random.nextInt(4) == 0 ? invalidUtf8() : utf8AsLatin1(pick(UNICODE));
                    m.insert(random.nextInt(m.length()), text);
                }
            }
            case WRONG_METHOD -> {
                String method = pick(METHODS);
                int space = m.indexOf(" ");
                if (space > 0) {
                    m.replace(0, space, method);
                }
                if (random.nextBoolean()) {
                    Matcher cseqLine = Pattern.compile("CSeq: (\\d+) (\\S+)").matcher(m);
                    if (cseqLine.find()) {
                        m.replace(cseqLine.start(2), cseqLine.end(2), pick(METHODS).trim().isEmpty() ? "X" : method);
                    }
                }
            }
            case HUGE_SDP -> {
                int blank = m.indexOf("\r\n\r\n");
                if (blank < 0) {
                    return;
                }
                StringBuilder sdp = new StringBuilder();
                int lines = 50 + random.nextInt(250); // 2–30 KB of SDP
                for (int i = 0; i < lines; i++) {
                    switch (random.nextInt(5)) {
                        case 0 -> sdp.append("a=rtpmap:").append(96 + random.nextInt(32)).append(" X").append(i).append("/8000\r\n");
                        case 1 -> sdp.append("m=audio ").append(random.nextInt(65536)).append(" RTP/AVP 0\r\n");
                        case 2 -> sdp.append("a=fmtp:101 0-16,").append("1,".repeat(random.nextInt(50))).append("\r\n");
                        case 3 -> sdp.append("c=IN IP4 127.0.0.").append(random.nextInt(256)).append("\r\n");
                        default -> sdp.append("a=x-fuzz:").append("y".repeat(random.nextInt(200))).append("\r\n");
                    }
                }
                m.append(sdp);
                if (random.nextBoolean()) {
                    int body = m.length() - blank - 4;
                    replaceHeaderValue(m, "Content-Length", Integer.toString(body));
                }
            }
            case DROP_HEADER -> {
                String name = pick(new String[] {"Via", "From", "To", "Call-ID", "CSeq", "Max-Forwards", "Contact",
                    "Content-Type", "Content-Length"});
                int at = indexOfHeader(m, name);
                if (at >= 0) {
                    int end = m.indexOf("\r\n", at);
                    m.delete(at, end < 0 ? m.length() : end + 2);
                }
            }
            case REPEAT_HEADER -> {
                String name = pick(new String[] {"Via", "From", "To", "Call-ID", "CSeq", "Content-Length",
                    "Content-Type"});
                int at = indexOfHeader(m, name);
                if (at >= 0) {
                    int end = m.indexOf("\r\n", at);
                    String line = m.substring(at, end < 0 ? m.length() : end) + "\r\n";
                    int times = 1 + random.nextInt(random.nextBoolean() ? 3 : 60);
                    m.insert(at, line.repeat(times));
                }
            }
            case DELETE_SPAN -> {
                int from = random.nextInt(m.length());
                int to = Math.min(m.length(), from + 1 + random.nextInt(64));
                m.delete(from, to);
            }
            case EXTREME_NUMBER -> {
                Matcher digits = DIGITS.matcher(m);
                List<int[]> spans = new ArrayList<>();
                while (digits.find()) {
                    spans.add(new int[] {digits.start(), digits.end()});
                }
                if (!spans.isEmpty()) {
                    int[] span = spans.get(random.nextInt(spans.size()));
                    m.replace(span[0], span[1], pick(NUMBERS));
                }
            }
        }
    }

    private static int afterFirstLine(StringBuilder m) {
        int end = m.indexOf("\r\n");
        return end < 0 ? m.length() : end + 2;
    }

    private static int indexOfHeader(StringBuilder m, String name) {
        int at = m.indexOf("\r\n" + name + ":");
        return at < 0 ? -1 : at + 2;
    }

    private static void replaceHeaderValue(StringBuilder m, String name, String value) {
        int at = indexOfHeader(m, name);
        if (at < 0) {
            return;
        }
        int start = at + name.length() + 1;
        int end = m.indexOf("\r\n", start);
        m.replace(start, end < 0 ? m.length() : end, " " + value);
    }

    private String pick(String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private String invalidUtf8() {
        String[] bad = {"\u00c0\u00af", "\u00ed\u00a0\u0080", "\u00ff\u00fe", "\u00f8\u0088\u0080\u0080\u0080", "\u0080",
            "\u00e2\u0082"};
        return pick(bad);
    }

    private static String utf8AsLatin1(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Every IPv4 literal outside 127.0.0.0/8 moved into it: the bridge answers and sends media on loopback only. */
    static String loopbackOnly(String message) {
        Matcher ip = IPV4.matcher(message);
        StringBuilder out = new StringBuilder(message.length());
        while (ip.find()) {
            ip.appendReplacement(out, Matcher.quoteReplacement("127" + ip.group(2)));
        }
        ip.appendTail(out);
        return out.toString();
    }

    private static String load(String name) {
        String path = "/fuzz/" + name + ".sip";
        try (InputStream in = SipFuzzer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }
}
