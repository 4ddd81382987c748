package io.confbridge.sip.support;

import io.confbridge.config.BridgeConfig;
import io.confbridge.config.BridgeConfig.SipConfig;

/**
 * The {@code sip.*} configuration of a {@code SipServer} under test: on 127.0.0.1, UDP and TCP, no TLS,
 * answered at once, keepalives and SRTP at their defaults. Each test states only what it changes, so
 * that a new {@link SipConfig} field is one edit here and not one in every test.
 */
public final class TestSipConfig {
    private final int port;
    private String address = "127.0.0.1";
    private boolean tcp = true;
    private long answerDelayMs;
    private long keepaliveIntervalMs = SipConfig.DEFAULT_KEEPALIVE_INTERVAL_MS;
    private SipConfig.Tls tls = SipConfig.Tls.OFF;
    private SipConfig.Srtp srtp = SipConfig.Srtp.DEFAULT;

    private TestSipConfig(int port) {
        this.port = port;
    }

    public static TestSipConfig on(int port) {
        return new TestSipConfig(port);
    }

    /** Binds and advertises {@code address} (for instance {@code ::1}) instead of 127.0.0.1. */
    public TestSipConfig address(String address) {
        this.address = address;
        return this;
    }

    public TestSipConfig udpOnly() {
        this.tcp = false;
        return this;
    }

    public TestSipConfig answerDelayMs(long answerDelayMs) {
        this.answerDelayMs = answerDelayMs;
        return this;
    }

    /** {@code sip.keepaliveIntervalMs}; 0 turns the in-dialog OPTIONS off. */
    public TestSipConfig keepaliveIntervalMs(long keepaliveIntervalMs) {
        this.keepaliveIntervalMs = keepaliveIntervalMs;
        return this;
    }

    public TestSipConfig tls(SipConfig.Tls tls) {
        this.tls = tls;
        return this;
    }

    public TestSipConfig srtp(SipConfig.Srtp srtp) {
        this.srtp = srtp;
        return this;
    }

    public SipConfig build() {
        return new SipConfig(address, port, address, true, tcp, answerDelayMs, BridgeConfig.SipConfig.DEFAULT_REALM,
                keepaliveIntervalMs, tls, srtp);
    }
}
