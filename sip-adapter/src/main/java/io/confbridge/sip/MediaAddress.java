package io.confbridge.sip;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Turns an SDP connection address into a socket address without ever doing a DNS lookup, and decides
 * whether the bridge may send media there at all ({@link #refusal}).
 */
final class MediaAddress {

    private MediaAddress() {
    }

    /**
     * The socket address for an IP literal, or null for anything else: a host name in {@code c=} is
     * legal but unheard of in practice, and resolving it would block a SIP stack thread.
     */
    static InetSocketAddress of(String address, int port) {
        if (!isIpLiteral(address)) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(address), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isIpLiteral(String address) {
        if (address.indexOf(':') >= 0) {
            return address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why the bridge must not stream to {@code remote}, or null when it may. A spoofed INVITE must not
     * turn the bridge into an amplifier towards a group, a whole subnet or the bridge's own host, so:
     * <ul>
     *   <li>multicast and the IPv4 limited broadcast 255.255.255.255 are always refused;</li>
     *   <li>the unspecified address (0.0.0.0, ::) is refused, except as the legacy hold of RFC 3264
     *       §8.4 in a re-offer of an established call ({@code holdAllowed}): nothing is sent to it, and
     *       the stream resumes only with a later offer naming a real address;</li>
     *   <li>a loopback address only when the request itself came from loopback.</li>
     * </ul>
     */
    static String refusal(InetSocketAddress remote, InetAddress signallingSource, boolean holdAllowed) {
        InetAddress address = remote.getAddress();
        if (address == null) {
            return "unresolved media address";
        }
        if (address.isMulticastAddress()) {
            return "multicast media address";
        }
        if (address instanceof Inet4Address && isLimitedBroadcast(address.getAddress())) {
            return "broadcast media address";
        }
        if (address.isAnyLocalAddress()) {
            return holdAllowed ? null : "unspecified media address";
        }
        if (address.isLoopbackAddress() && (signallingSource == null || !signallingSource.isLoopbackAddress())) {
            return "loopback media address from a remote peer";
        }
        return null;
    }

    private static boolean isLimitedBroadcast(byte[] v4) {
        return v4[0] == (byte) 255 && v4[1] == (byte) 255 && v4[2] == (byte) 255 && v4[3] == (byte) 255;
    }
}
