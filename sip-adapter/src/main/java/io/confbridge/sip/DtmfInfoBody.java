package io.confbridge.sip;

/**
 * Reads a key press from the body of a SIP INFO: {@code application/dtmf-relay} ({@code Signal=5},
 * {@code Duration=160} lines, the Cisco/SIPp format) or {@code application/dtmf} (just the key).
 * Some UAs send the RFC 4733 event code instead of the key (10 for *, 11 for #), so both are accepted.
 */
final class DtmfInfoBody {

    static final String DTMF_RELAY = "application/dtmf-relay";
    static final String DTMF = "application/dtmf";

    private DtmfInfoBody() {
    }

    /** The key in an {@code application/dtmf-relay} body; IllegalArgumentException when there is none. */
    static char parseDtmfRelay(String body) {
        for (String line : body.split("\r?\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).trim().equalsIgnoreCase("Signal")) {
                return key(line.substring(eq + 1));
            }
        }
        throw new IllegalArgumentException("no Signal= line");
    }

    /** The key in an {@code application/dtmf} body. */
    static char parseDtmf(String body) {
        return key(body);
    }

    private static char key(String text) {
        String value = text.trim();
        if (value.length() == 1) {
            char c = Character.toUpperCase(value.charAt(0));
            if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) {
                return c;
            }
        } else if (value.length() == 2) {
            switch (value) {
                case "10": return '*';
                case "11": return '#';
                case "12": return 'A';
                case "13": return 'B';
                case "14": return 'C';
                case "15": return 'D';
                default: break;
            }
        }
        throw new IllegalArgumentException("not a DTMF key: " + (value.length() > 10 ? value.substring(0, 10) : value));
    }
}
