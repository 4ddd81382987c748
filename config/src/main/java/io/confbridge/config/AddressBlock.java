package io.confbridge.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An IP address block in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}; a bare address is
 * a block of one), as {@code sip.trustedProxies} lists them. Parsing never asks a resolver.
 */
public final class AddressBlock {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private final byte[] network;
    private final int prefixBits;
    private final String text;

    private AddressBlock(byte[] network, int prefixBits, String text) {
        this.network = network;
        this.prefixBits = prefixBits;
        this.text = text;
    }

    /** Whether {@code address} lies in this block; an IPv4 address never lies in an IPv6 block, nor the reverse. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int whole = prefixBits / 8;
        for (int i = 0; i < whole; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[whole] & mask) == (network[whole] & mask);
    }

    /** Whether any of {@code blocks} contains {@code address}. */
    public static boolean anyContains(List<AddressBlock> blocks, InetAddress address) {
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A comma-separated list of blocks; empty for an empty {@code spec}.
     *
     * @throws ConfigException naming {@code key} and the bad entry
     */
    public static List<AddressBlock> parseList(String key, String spec) {
        List<AddressBlock> blocks = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return blocks;
        }
        for (String part : spec.split(",")) {
            blocks.add(parse(key, part.trim()));
        }
        return List.copyOf(blocks);
    }

    /**
     * {@code text} as an IP address when it is an IPv4 or IPv6 literal, else null; never asks a resolver,
     * so it is safe on text a client sent.
     */
    public static InetAddress literal(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && (text.indexOf(':') < 0 || text.length() > 45 || !IPV6.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static AddressBlock parse(String key, String entry) {
        int slash = entry.indexOf('/');
        String host = slash < 0 ? entry : entry.substring(0, slash);
        boolean v4 = IPV4.matcher(host).matches();
        if (!v4 && (host.indexOf(':') < 0 || !IPV6.matcher(host).matches())) {
            throw new ConfigException(key, "\"" + entry + "\" is not an IP address or block in CIDR notation"
                    + " (e.g. 192.0.2.0/24, 2001:db8::/32)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException(key, "\"" + entry + "\" is not a valid IP address");
        }
        // "::ffff:192.0.2.1" parses as IPv4: the block is then an IPv4 one.
        int maxBits = address instanceof Inet4Address ? 32 : 128;
        int bits = maxBits;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > maxBits) {
                throw new ConfigException(key, "\"" + entry + "\": the prefix length must be 0–" + maxBits);
            }
        }
        return new AddressBlock(address.getAddress(), bits, entry);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressBlock b && b.prefixBits == prefixBits && Arrays.equals(b.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixBits;
    }

    @Override
    public String toString() {
        return text;
    }
}
