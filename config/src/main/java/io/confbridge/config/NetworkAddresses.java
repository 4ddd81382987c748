package io.confbridge.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The address keys, checked when the configuration loads so that a typo stops start-up naming the key
 * instead of failing later inside a bind. Addresses the bridge binds must be addresses of this machine,
 * given as an IP literal or a name the local resolver knows; addresses it only hands out (in Contact and
 * SDP, or to connect to later) are checked for syntax alone, since they need not resolve here.
 */
final class NetworkAddresses {
    private static final Pattern DOTTED_DIGITS = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** RFC 1123 §2.1: letters, digits and inner hyphens per label; 253 characters at most. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}\\.?$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private static final String BINDABLE = "expected an address of this machine (e.g. 127.0.0.1), 0.0.0.0 or ::,"
            + " or a name that resolves to one";

    private NetworkAddresses() {
    }

    /**
     * An address a socket of the bridge binds: a literal or locally resolvable name of this machine. An
     * IPv6 literal may be written in brackets ({@code [::1]}, as in URIs); it is returned without them,
     * as SDP's {@code c=IN IP6} and socket APIs want it.
     */
    static String bindable(String key, String value) {
        value = withoutBrackets(value);
        InetAddress address = literal(key, value);
        if (address == null) {
            checkHostNameSyntax(key, value, BINDABLE);
            try {
                address = InetAddress.getByName(value);
            } catch (UnknownHostException e) {
                throw new ConfigException(key, "\"" + value + "\" does not resolve; " + BINDABLE);
            }
        }
        if (!isOfThisMachine(address)) {
            throw new ConfigException(key, "\"" + value + "\"" + (value.equals(address.getHostAddress()) ? ""
                    : " (" + address.getHostAddress() + ")") + " is not an address of this machine; " + BINDABLE);
        }
        return value;
    }

    /** An address the bridge gives to others to reach it: a literal or a host name, not a wildcard; as {@link #bindable}. */
    static String advertisable(String key, String value) {
        value = withoutBrackets(value);
        InetAddress address = literal(key, value);
        if (address == null) {
            checkHostNameSyntax(key, value, "expected the IP address or host name callers reach the bridge at");
        } else if (address.isAnyLocalAddress()) {
            throw new ConfigException(key, "\"" + value + "\" is a wildcard, which callers cannot send to;"
                    + " expected the IP address or host name callers reach the bridge at");
        }
        return value;
    }

    /**
     * Checks that RTP bound on {@code rtpBind} can receive what callers send to {@code sdpAddress}, the
     * address the SDP answer gives them: an IPv6 SDP address needs an IPv6 RTP address (or {@code ::});
     * an IPv4 one needs IPv4, or {@code ::}, which takes both. A host name is not checked (it may
     * resolve to either). Otherwise callers would be answered, and never heard.
     */
    static void rtpReachableAt(String rtpBindKey, String rtpBind, String sdpKey, String sdpAddress) {
        InetAddress sdp = literal(sdpKey, sdpAddress);
        InetAddress rtp = literal(rtpBindKey, rtpBind);
        if (sdp == null || rtp == null) {
            return;
        }
        boolean sdpV6 = sdp instanceof java.net.Inet6Address;
        boolean rtpV6 = rtp instanceof java.net.Inet6Address;
        if (sdpV6 == rtpV6 || (rtpV6 && rtp.isAnyLocalAddress())) {
            return;
        }
        throw new ConfigException(rtpBindKey, "\"" + rtpBind + "\" is an IPv" + (rtpV6 ? 6 : 4) + " address, but callers"
                + " are told to send their audio to " + sdpAddress + " (" + sdpKey + "), an IPv" + (sdpV6 ? 6 : 4)
                + " one, where no RTP would listen; expected an IPv" + (sdpV6 ? 6 : 4) + " address of this machine"
                + (sdpV6 ? " or ::" : ", 0.0.0.0 or ::"));
    }

    /** Whether a checked bind address is a wildcard, 0.0.0.0 or ::. */
    static boolean isWildcard(String bindable) {
        InetAddress address = literal("", bindable);
        return address != null && address.isAnyLocalAddress();
    }

    /** A host the bridge connects to later (the SMTP server): a literal or a host name. */
    static String remoteHost(String key, String value) {
        if (literal(key, value) == null) {
            checkHostNameSyntax(key, value, "expected an IP address or a host name");
        }
        return value;
    }

    /**
     * The address {@code value} spells as an IPv4 or IPv6 literal, or null if it is not written as one.
     * Parsing a literal never asks a resolver.
     */
    private static InetAddress literal(String key, String value) {
        if (value.indexOf(':') >= 0 || value.startsWith("[")) {
            try {
                // With a colon, InetAddress parses an IPv6 literal and never looks the text up.
                return InetAddress.getByName(value);
            } catch (UnknownHostException e) {
                throw new ConfigException(key, "\"" + value + "\" is not a valid IPv6 address");
            }
        }
        if (DOTTED_DIGITS.matcher(value).matches()) {
            if (!IPV4.matcher(value).matches()) {
                throw new ConfigException(key, "\"" + value + "\" is not a valid IPv4 address (four numbers 0–255)");
            }
            try {
                return InetAddress.getByName(value);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a checked IPv4 literal did not parse: " + value, e);
            }
        }
        return null;
    }

    private static String withoutBrackets(String value) {
        return value.length() > 2 && value.startsWith("[") && value.endsWith("]") && value.indexOf(':') > 0
                ? value.substring(1, value.length() - 1) : value;
    }

    private static void checkHostNameSyntax(String key, String value, String expectation) {
        if (!HOST_NAME.matcher(value).matches()) {
            throw new ConfigException(key, "\"" + value + "\" is neither an IP address nor a host name; " + expectation);
        }
    }

    private static boolean isOfThisMachine(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
