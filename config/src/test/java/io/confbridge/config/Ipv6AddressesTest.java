package io.confbridge.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** IPv6 literals in the address keys: SIP and RTP on [::1] (issue 8, point 7). */
class Ipv6AddressesTest {

    @Test
    void sipAndRtpBindToIpv6LoopbackWithOrWithoutBrackets() {
        BridgeConfig c = ConfigLoader.load(null, Map.of("sip.bindAddress", "::1", "rtp.bindAddress", "[::1]"));
        assertEquals("::1", c.sip().bindAddress());
        assertEquals("::1", c.sip().advertisedAddress(), "advertised defaults to the bind address");
        assertEquals("::1", c.rtp().bindAddress(), "brackets dropped: SDP writes c=IN IP6 ::1");

        BridgeConfig advertised = ConfigLoader.load(null, Map.of("sip.advertisedAddress", "[2001:db8::5]"));
        assertEquals("2001:db8::5", advertised.sip().advertisedAddress());
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
