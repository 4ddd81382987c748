package io.confbridge.server;

import io.confbridge.config.BridgeConfig;
import io.confbridge.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up WARN when the descriptor limit is below what the configured caps may use. */
class DescriptorHeadroomTest {

    @Test
    void theDefaultsNeedAbout36000DescriptorsAndAWarningSaysSoBelowThat() {
        BridgeConfig defaults = ConfigLoader.defaults();
        assertTrue(defaults.sip().tcp() && defaults.sip().tls().enabled(), "the defaults listen on TCP and TLS");

        String warning = DescriptorHeadroom.shortfall(defaults, 20_000).orElseThrow();
        // 5,000 calls of 3 sockets, 10,000 connections each for TCP and TLS, 1,024 admin connections, 256.
        assertTrue(warning.startsWith("this process may open 20000 file descriptors (ulimit -n)"), warning);
        assertTrue(warning.contains("about 36280 (15000 for 5000 calls' RTP, RTCP and twin sockets"), warning);
        assertTrue(warning.contains("20000 for limits.sipConnections over TCP and TLS, 1024 for admin.maxConnections"),
                warning);
        assertTrue(warning.endsWith("or lower limits.sipConnections"), warning);
        assertTrue(warning.contains("LimitNOFILE=65536"), warning);

        assertEquals(Optional.empty(), DescriptorHeadroom.shortfall(defaults, 65_536), "the systemd unit's limit");
        assertEquals(Optional.empty(), DescriptorHeadroom.shortfall(defaults, 36_280));
        assertEquals(Optional.empty(), DescriptorHeadroom.shortfall(defaults, -1), "no limit known: nothing to say");
    }

    @Test
    void whatIsNotConfiguredIsNotCounted() {
        BridgeConfig udpOnly = ConfigLoader.load(null, Map.of("sip.tcp", "false", "sip.tls", "false",
                "rtp.portMin", "40000", "rtp.portMax", "40999"));
        // 500 calls: 1,500 + 1,024 + 256.
        assertEquals(Optional.empty(), DescriptorHeadroom.shortfall(udpOnly, 2_780));
        String warning = DescriptorHeadroom.shortfall(udpOnly, 2_779).orElseThrow();
        assertTrue(warning.contains("about 2780 (1500 for 500 calls'") && !warning.contains("SIP connections"),
                warning);
    }

    @Test
    void theSipConnectionCapCountsForEachStreamTransport() {
        BridgeConfig smaller = ConfigLoader.load(null, Map.of("limits.sipConnections", "2000",
                "limits.sipConnectionsPerSource", "50", "sip.tls", "false"));
        // 15,000 for calls, 2,000 for TCP only, 1,024, 256.
        assertEquals(Optional.empty(), DescriptorHeadroom.shortfall(smaller, 18_280));
        String warning = DescriptorHeadroom.shortfall(smaller, 18_279).orElseThrow();
        assertTrue(warning.contains("2000 for limits.sipConnections over TCP, "), warning);
    }
}
