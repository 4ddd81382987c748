package io.confbridge.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code limits.*} keys and {@code sip.trustedProxies} (issue 9 §2). */
class LimitsConfigTest {

    @Test
    void defaultsAreTheIssuesFigures() {
        BridgeConfig.LimitsConfig limits = ConfigLoader.defaults().limits();
        assertEquals(BridgeConfig.LimitsConfig.DEFAULTS, limits);
        assertEquals(20, limits.invitesPerSecondPerSource());
        assertEquals(40, limits.inviteBurstPerSource());
        assertEquals(1000, limits.invitesPerSecond());
        assertEquals(200, limits.callsPerSource());
        assertEquals(5, limits.registersPerSecondPerSource());
        assertEquals(10, limits.conferenceIdFailuresPerSource());
        assertTrue(limits.trustedProxies().isEmpty());
        assertEquals(10_000, limits.sipConnections());
        assertEquals(100, limits.sipConnectionsPerSource());
    }

    @Test
    void eachKeyIsSettableAsAnEnvironmentName() {
        BridgeConfig.LimitsConfig limits = ConfigLoader.load(null, Map.of(
                "BRIDGE_LIMITS_INVITES_PER_SECOND_PER_SOURCE", "30",
                "BRIDGE_LIMITS_INVITEBURSTPERSOURCE", "60",
                "BRIDGE_LIMITS_INVITES_PER_SECOND", "5000",
                "BRIDGE_LIMITS_CALLS_PER_SOURCE", "7",
                "BRIDGE_LIMITS_REGISTERS_PER_SECOND_PER_SOURCE", "2",
                "BRIDGE_LIMITS_CONFERENCE_ID_FAILURES_PER_SOURCE", "3",
                "BRIDGE_LIMITS_PIN_VERIFICATION_QUEUE", "4",
                "BRIDGE_SIP_TRUSTED_PROXIES", "192.0.2.0/24, 2001:db8::1",
                "BRIDGE_LIMITS_SIP_CONNECTIONS", "5000",
                "BRIDGE_LIMITS_SIP_CONNECTIONS_PER_SOURCE", "500")).limits();
        assertEquals(new BridgeConfig.LimitsConfig(30, 60, 5000, 7, 2, 3, 4,
                List.of(AddressBlock.parse("k", "192.0.2.0/24"), AddressBlock.parse("k", "2001:db8::1")), 5000, 500),
                limits);
    }

    @Test
    void aSourceMayNotHoldMoreSipConnectionsThanEveryoneTogether() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("limits.sipConnections", "50", "limits.sipConnectionsPerSource", "100")));
        assertEquals("limits.sipConnectionsPerSource", e.key());
        assertTrue(e.getMessage().contains("above limits.sipConnections (50)"), e.getMessage());
        assertEquals(50, ConfigLoader.load(null, Map.of("limits.sipConnections", "50",
                "limits.sipConnectionsPerSource", "50")).limits().sipConnectionsPerSource());
    }

    @Test
    void aValueOutOfRangeNamesTheKeyAndTheRange() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("limits.callsPerSource", "0")));
        assertEquals("limits.callsPerSource", e.key());
        assertTrue(e.getMessage().contains("1"), e.getMessage());
    }

    @Test
    void aBurstBelowTheRateIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("limits.invitesPerSecondPerSource", "50", "limits.inviteBurstPerSource", "40")));
        assertEquals("limits.inviteBurstPerSource", e.key());
        assertTrue(e.getMessage().contains("50"), e.getMessage());
    }

    @Test
    void badTrustedProxyEntriesNameTheKeyAndTheEntry() {
        for (String bad : List.of("proxy.example.com", "192.0.2.0/33", "2001:db8::/129", "192.0.2.1/x", "300.1.1.1")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(null, Map.of("sip.trustedProxies", bad)), bad);
            assertEquals("sip.trustedProxies", e.key());
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void blocksContainWhatTheirPrefixCovers() throws Exception {
        AddressBlock v4 = AddressBlock.parse("k", "192.0.2.128/25");
        assertTrue(v4.contains(InetAddress.getByName("192.0.2.200")));
        assertFalse(v4.contains(InetAddress.getByName("192.0.2.127")));
        assertFalse(v4.contains(InetAddress.getByName("2001:db8::1")));
        AddressBlock one = AddressBlock.parse("k", "127.0.0.2");
        assertTrue(one.contains(InetAddress.getByName("127.0.0.2")));
        assertFalse(one.contains(InetAddress.getByName("127.0.0.3")));
        AddressBlock v6 = AddressBlock.parse("k", "2001:db8::/32");
        assertTrue(v6.contains(InetAddress.getByName("2001:db8:ffff::9")));
        assertFalse(v6.contains(InetAddress.getByName("2001:db9::1")));
        assertTrue(AddressBlock.parse("k", "0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9")));
    }
}
