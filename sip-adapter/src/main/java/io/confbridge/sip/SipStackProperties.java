package io.confbridge.sip;

import io.confbridge.sip.logging.Slf4jServerLogger;
import io.confbridge.sip.logging.Slf4jStackLogger;

import java.util.Properties;

/** The jain-sip stack properties the bridge runs with; each one says why it is set. */
final class SipStackProperties {

    /** Our largest legitimate message is an INVITE with SDP; this bounds what a TCP peer can make us buffer. */
    private static final int MAX_MESSAGE_SIZE = 64 * 1024;

    private SipStackProperties() {
    }

    static Properties create(String stackName) {
        Properties p = new Properties();
        // A unique name per instance: tests (and a restart inside one JVM) run several stacks side by side.
        p.setProperty("javax.sip.STACK_NAME", stackName);
        // The stack creates the dialog for INVITE server transactions, matches in-dialog requests and
        // absorbs 2xx retransmissions/ACKs for us.
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        // Without this, jain-sip serialises all listener calls; calls are independent, and each call's
        // state is guarded by the call itself, so let them run concurrently.
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        // In-dialog requests to a caller behind NAT go where its requests come from, not to its Contact.
        p.setProperty("javax.sip.ROUTER_PATH", SourceRouter.class.getName());
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(threadPoolSize()));
        // Route stack logging to SLF4J: log4j 1.x is excluded from the classpath.
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        // jain-sip's own level gate; the effective levels are the SLF4J backend's. Messages are logged at
        // DEBUG on io.confbridge.sip.wire by Slf4jServerLogger, never at INFO.
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "DEBUG");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "true");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(MAX_MESSAGE_SIZE));
        // A message without Via or CSeq would otherwise throw inside the stack's UDP channel.
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", CompleteMessageParserFactory.class.getName());
        // Listener work is short (the core posts to its own loops), so a small pool sized to the cores
        // suffices; the machine we target has 2.
        return p;
    }

    /**
     * SIP over TLS with {@code keys}: TLS 1.2 and 1.3 only, forward-secret AEAD suites only (jain-sip's
     * default list has TLS_DH_anon), no client certificates asked (softphones have none).
     *
     * <p>The handshake: this stack uses jain-sip's blocking-I/O TLS processor (no MESSAGE_PROCESSOR_FACTORY
     * is set), which gives every accepted connection its own reader thread ({@code TLSMessageChannel.run})
     * and runs {@code SSLSocket.startHandshake()} there, under a watchdog that closes the socket after
     * {@link #TLS_HANDSHAKE_TIMEOUT_MS}. A slow or stalled handshake therefore holds only its own
     * connection's thread, never the UDP/TCP processors or another call's connection. (jain-sip's NIO
     * processor would instead run handshakes inside its one selector thread, shared by all connections.)
     */
    static Properties withTls(Properties p, TlsKeyMaterial keys) {
        p.setProperty("javax.net.ssl.keyStore", keys.keyStore().toString());
        p.setProperty("javax.net.ssl.keyStorePassword", keys.password());
        p.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.3, TLSv1.2");
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(" ", TLS_CIPHER_SUITES));
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", Long.toString(TLS_HANDSHAKE_TIMEOUT_MS));
        return p;
    }

    /** A handshake that has not finished by then is cut (jain-sip's HandshakeWatchdog). */
    static final long TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

    /** TLS 1.3's suites, then TLS 1.2's ECDHE + AEAD ones for ECDSA and RSA certificates. */
    static final String[] TLS_CIPHER_SUITES = {
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    };

    /** Two threads a core, at least 4: listener work is short but may wait on socket writes. */
    static int threadPoolSize() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }
}
