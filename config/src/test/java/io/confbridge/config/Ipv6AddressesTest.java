package io.confbridge.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IPv6 literals in the address keys: SIP and RTP on [::1] (issue 8, point 7). */
class Ipv6AddressesTest {

    @Test
    void sipAndRtpBindToIpv6LoopbackWithOrWithoutBrackets() {
        BridgeConfig c = ConfigLoader.load(null, Map.of("sip.bindAddress", "::1", "rtp.bindAddress", "[::1]"));
        assertEquals("::1", c.sip().bindAddress());
        assertEquals("::1", c.sip().advertisedAddress(), "advertised defaults to the bind address");
        assertEquals("::1", c.rtp().bindAddress(), "brackets dropped: SDP writes c=IN IP6 ::1");

        BridgeConfig advertised = ConfigLoader.load(null, Map.of("sip.advertisedAddress", "[2001:db8::5]",
                "rtp.bindAddress", "::"));
        assertEquals("2001:db8::5", advertised.sip().advertisedAddress());
    }

    /**
     * The SDP answer tells callers to send RTP to the SIP address: a bridge on {@code sip.bindAddress=::1}
     * with RTP left on its IPv4 default would answer every call and hear none. Start-up says so instead.
     */
    @Test
    void rtpOfTheOtherFamilyThanTheSdpAddressStopsStartNamingTheKey() {
        ConfigException v6Sip = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.bindAddress", "::1")));
        assertEquals("rtp.bindAddress", v6Sip.key());
        assertTrue(v6Sip.getMessage().contains("::1 (sip.bindAddress), an IPv6 one"), v6Sip.getMessage());
        assertEquals("rtp.bindAddress", assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("sip.advertisedAddress", "2001:db8::5", "rtp.bindAddress", "0.0.0.0"))).key());
        assertEquals("rtp.bindAddress", assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("rtp.bindAddress", "::1"))).key(), "IPv4 SDP (the default 127.0.0.1), RTP on ::1 only");

        // What works: the same family, :: for either, or a host name (not checked: it may be either).
        ConfigLoader.load(null, Map.of("sip.bindAddress", "::1", "rtp.bindAddress", "::1"));
        ConfigLoader.load(null, Map.of("rtp.bindAddress", "::"));
        ConfigLoader.load(null, Map.of("sip.advertisedAddress", "2001:db8::5", "rtp.bindAddress", "::"));
        ConfigLoader.load(null, Map.of("sip.advertisedAddress", "bridge.example.net"));
    }

    @Test
    void badIpv6LiteralsAndForeignAddressesStopStartNamingTheKey() {
        assertEquals("sip.bindAddress", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.bindAddress", "::1::2"))).key());
        assertEquals("rtp.bindAddress", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.bindAddress", "2001:db8::77"))).key());
        assertEquals("sip.advertisedAddress", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.advertisedAddress", "[::]"))).key());
    }
}
