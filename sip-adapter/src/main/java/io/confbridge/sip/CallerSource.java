package io.confbridge.sip;

import io.confbridge.config.AddressBlock;

import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.Header;
import javax.sip.header.HeaderAddress;
import javax.sip.message.Request;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Whom a request is counted against: the per-source flood limits and the PIN back-off key on this.
 *
 * <p>Normally that is the address the packets came from (not what Via claims). A request from one of
 * {@code sip.trustedProxies} (Kamailio, an SBC, a trunk) carries many callers at one address, so it is
 * keyed on the caller's identity instead: the P-Asserted-Identity (RFC 3325), else the From user. One
 * caller behind a trunk guessing PINs then slows down only themself, never everyone behind the trunk. An
 * anonymous caller behind a trusted proxy falls back to the proxy's address.
 *
 * @param key     the counting key: an address literal ({@code 192.0.2.7}), or {@code caller:<identity>}
 * @param address where the packets came from
 */
record CallerSource(String key, InetAddress address) {

    /** P-Asserted-Identity (RFC 3325 §9.1). */
    static final String P_ASSERTED_IDENTITY = "P-Asserted-Identity";
    /** A key is a map key kept for minutes: attacker-supplied text gets this long at most. */
    static final int MAX_IDENTITY_LENGTH = 64;

    /** Whether this key names a caller identity rather than an address. */
    boolean isIdentity() {
        return key.startsWith("caller:");
    }

    static CallerSource of(Request request, InetAddress packetSource, List<AddressBlock> trustedProxies) {
        if (trustedProxies.isEmpty() || !AddressBlock.anyContains(trustedProxies, packetSource)) {
            return new CallerSource(packetSource.getHostAddress(), packetSource);
        }
        String identity = assertedIdentity(request);
        if (identity.isEmpty()) {
            identity = sanitized(RequestParts.callerId(request));
        }
        return identity.isEmpty()
                ? new CallerSource(packetSource.getHostAddress(), packetSource)
                : new CallerSource("caller:" + identity, packetSource);
    }

    /** The first P-Asserted-Identity's user@host (SIP) or number (tel), or "". */
    private static String assertedIdentity(Request request) {
        Header header = request.getHeader(P_ASSERTED_IDENTITY);
        if (!(header instanceof HeaderAddress address) || address.getAddress() == null) {
            return "";
        }
        URI uri = address.getAddress().getURI();
        if (uri instanceof SipURI sip) {
            String user = sip.getUser() == null ? "" : sip.getUser();
            return user.isEmpty() || "anonymous".equalsIgnoreCase(user) ? "" : sanitized(user + "@" + sip.getHost());
        }
        if (uri instanceof TelURL tel) {
            return sanitized((tel.isGlobal() ? "+" : "") + tel.getPhoneNumber());
        }
        return "";
    }

    /** Printable ASCII only, lower case, at most {@link #MAX_IDENTITY_LENGTH} characters. */
    static String sanitized(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_IDENTITY_LENGTH));
        for (int i = 0; i < text.length() && out.length() < MAX_IDENTITY_LENGTH; i++) {
            char c = text.charAt(i);
            if (c > 0x20 && c < 0x7f) {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
