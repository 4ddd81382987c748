package io.confbridge.sip;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Turns an SDP connection address into a socket address without ever doing a DNS lookup. */
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
}
