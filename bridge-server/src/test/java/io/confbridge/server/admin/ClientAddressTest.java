package io.confbridge.server.admin;

import io.confbridge.config.AddressBlock;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Who an admin request is from, behind trusted reverse proxies and not. */
class ClientAddressTest {
    private static final List<AddressBlock> PROXIES = AddressBlock.parseList("admin.trustedProxies",
            "10.0.0.0/8, 2001:db8:ffff::/48");

    @Test
    void aTrustedProxysRightmostEntryIsTheClient() throws Exception {
        assertEquals(ip("198.51.100.7"), of("10.0.0.5", "198.51.100.7"));
        assertEquals(ip("198.51.100.7"), of("10.0.0.5", "203.0.113.66, 198.51.100.7"),
                "what the client wrote itself, to the left, is ignored");
        assertEquals(ip("198.51.100.7"), of("10.0.0.5", "203.0.113.66", "198.51.100.7"), "over several header lines");
        assertEquals(ip("198.51.100.7"), of("10.0.0.5", "198.51.100.7, 10.1.2.3"), "through a chain of trusted proxies");
        assertEquals(ip("2001:db8::7"), of("2001:db8:ffff::1", "[2001:db8::7]:4711"));
        assertEquals(ip("198.51.100.7"), of("10.0.0.5", "198.51.100.7:4711"));
    }

    @Test
    void anyoneElsesHeaderIsIgnored() throws Exception {
        assertEquals(ip("192.0.2.9"), of("192.0.2.9", "198.51.100.7"), "not from a trusted proxy");
        assertEquals(ip("10.0.0.5"), ClientAddress.of(ip("10.0.0.5"), List.of("198.51.100.7"), List.of()),
                "no proxies configured");
        assertEquals(ip("10.0.0.5"), of("10.0.0.5"), "no header");
    }

    @Test
    void garbageStopsTheWalkAtTheLastHopATrustedProxyVouchedFor() throws Exception {
        assertEquals(ip("10.0.0.5"), of("10.0.0.5", "localhost"), "never a name: nothing is looked up");
        assertEquals(ip("10.1.2.3"), of("10.0.0.5", "not an address, 10.1.2.3"));
        assertEquals(ip("10.0.0.5"), of("10.0.0.5", ""));
        assertEquals(ip("10.0.0.5"), of("10.0.0.5", "[2001:db8::7"));
        StringBuilder chain = new StringBuilder("198.51.100.7");
        for (int i = 0; i < 40; i++) {
            chain.append(", 10.0.0.").append(i);
        }
        assertEquals(ip("10.0.0.24"), of("10.0.0.5", chain.toString()),
                "at most " + ClientAddress.MAX_HOPS + " hops are read");
    }

    private static InetAddress of(String peer, String... forwardedFor) throws Exception {
        return ClientAddress.of(ip(peer), List.of(forwardedFor), PROXIES);
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
