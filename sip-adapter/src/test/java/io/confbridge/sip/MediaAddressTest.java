package io.confbridge.sip;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which SDP connection addresses the bridge may stream to (issue 9 §1: no reflection). */
class MediaAddressTest {

    private static final InetAddress REMOTE_PEER = address("192.0.2.10");
    private static final InetAddress LOOPBACK_PEER = address("127.0.0.1");

    private static InetAddress address(String literal) {
        return MediaAddress.of(literal, 1).getAddress();
    }

    private static String refusal(String literal, InetAddress source, boolean holdAllowed) {
        return MediaAddress.refusal(MediaAddress.of(literal, 4000), source, holdAllowed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::101"})
    void refusesMulticastEvenInAReoffer(String literal) {
        assertEquals("multicast media address", refusal(literal, REMOTE_PEER, true));
    }

    @Test
    void refusesTheLimitedBroadcast() {
        assertEquals("broadcast media address", refusal("255.255.255.255", REMOTE_PEER, false));
        assertEquals("broadcast media address", refusal("255.255.255.255", LOOPBACK_PEER, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::"})
    void refusesTheUnspecifiedAddressExceptAsHoldInAReoffer(String literal) {
        assertEquals("unspecified media address", refusal(literal, REMOTE_PEER, false));
        assertNull(refusal(literal, REMOTE_PEER, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1"})
    void acceptsLoopbackOnlyFromLoopback(String literal) {
        assertNotNull(refusal(literal, REMOTE_PEER, false));
        assertNotNull(refusal(literal, REMOTE_PEER, true));
        assertNotNull(refusal(literal, null, false));
        assertNull(refusal(literal, LOOPBACK_PEER, false));
        assertNull(refusal(literal, address("::1"), true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.55", "10.0.0.7", "2001:db8::5", "255.255.255.254"})
    void acceptsOrdinaryUnicast(String literal) {
        assertNull(refusal(literal, REMOTE_PEER, false));
        assertNull(refusal(literal, LOOPBACK_PEER, false));
    }

    @Test
    void anIpv4MappedLoopbackIsStillLoopback() {
        assertNotNull(refusal("::ffff:127.0.0.1", REMOTE_PEER, false));
        assertEquals(new InetSocketAddress("127.0.0.1", 4000), MediaAddress.of("::ffff:127.0.0.1", 4000));
    }
}
