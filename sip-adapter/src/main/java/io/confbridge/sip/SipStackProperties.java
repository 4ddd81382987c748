package io.confbridge.sip;

import io.confbridge.config.BridgeConfig;
import io.confbridge.sip.logging.Slf4jServerLogger;
import io.confbridge.sip.logging.Slf4jStackLogger;
import io.confbridge.sip.stream.ConnectionCount;
import io.confbridge.sip.stream.GuardedMessageProcessorFactory;

import java.util.Properties;

/** The jain-sip stack properties the bridge runs with; each one says why it is set. */
final class SipStackProperties {

    /** Our largest legitimate message is an INVITE with SDP; this bounds what a TCP peer can make us buffer. */
    private static final int MAX_MESSAGE_SIZE = 64 * 1024;

    private SipStackProperties() {
    }

    static Properties create(String stackName) {
        return create(stackName, IDLE_CONNECTION_MS, BridgeConfig.LimitsConfig.DEFAULTS);
    }

    /**
     * With idle TCP/TLS connections closed after {@code idleConnectionMs} (tests use seconds), and the
     * connection caps of {@code limits}.
     */
    static Properties create(String stackName, long idleConnectionMs, BridgeConfig.LimitsConfig limits) {
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
        hardening(p, idleConnectionMs);
        connectionCaps(p, limits);
        // Listener work is short (the core posts to its own loops), so a small pool sized to the cores
        // suffices; the machine we target has 2.
        return p;
    }

    /** A TCP/TLS connection that carries nothing this long is closed (a dialog's own traffic keeps it open). */
    static final long IDLE_CONNECTION_MS = 120_000;
    /** Server transactions at once: past it jain-sip answers new requests 503 itself. */
    static final int MAX_SERVER_TRANSACTIONS = 5_000;
    /** SO_RCVBUF of the SIP UDP socket. */
    static final int UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
    /** Requests older than this in jain-sip's UDP queue are dropped (its default is 8 s). */
    static final int CONGESTION_TIMEOUT_MS = 2_000;
    /** A TCP/TLS message whose bytes stop coming is given up after this long. */
    static final int READ_TIMEOUT_MS = 10_000;

    /**
     * Issue 9 §2: what a flood or a crowd of idle connections may cost the stack. jain-sip's NIO message
     * processors serve every TCP and TLS connection from one selector thread, where the default blocking
     * ones start a thread per connection: ten thousand idle connections then cost ten thousand threads.
     * With NIO, parsed messages go to a small pool (not the selector thread), and a connection idle for
     * {@link #IDLE_CONNECTION_MS} is closed by jain-sip's socket auditor. {@code READ_TIMEOUT} is what
     * jain-sip's connection channels check; the idle auditor and {@link #connectionCaps} are what bound
     * connections under NIO.
     */
    static Properties hardening(Properties p, long idleConnectionMs) {
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", GuardedMessageProcessorFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.NIO_MAX_SOCKET_IDLE_TIME", Long.toString(idleConnectionMs));
        p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", Integer.toString(READ_TIMEOUT_MS));
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", Integer.toString(MAX_SERVER_TRANSACTIONS));
        p.setProperty("gov.nist.javax.sip.TCP_POST_PARSING_THREAD_POOL_SIZE", Integer.toString(threadPoolSize()));
        // Every INVITE schedules transaction timers before the listener sees it: the default timer is one
        // java.util.Timer whose monitor every SIP thread then queues on (an INVITE flood stalls all of
        // signalling there); the executor-based one has no such global lock.
        p.setProperty("gov.nist.javax.sip.TIMER_CLASS_NAME", "gov.nist.javax.sip.stack.timers.ScheduledExecutorSipTimer");
        // jain-sip's UDP socket buffer is 64 KiB by default: 80 INVITEs, 16 ms of a 5,000/s flood. When the
        // reader thread is not scheduled for that long the kernel drops whatever comes, legitimate callers
        // and OPTIONS alike. 4 MiB (capped by net.core.rmem_max) rides out a second.
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(UDP_RECEIVE_BUFFER_BYTES));
        // A request that waited this long in the stack's queue is dropped rather than answered late.
        p.setProperty("gov.nist.javax.sip.CONGESTION_CONTROL_TIMEOUT", Integer.toString(CONGESTION_TIMEOUT_MS));
        return p;
    }

    /**
     * {@code limits.sipConnections} and {@code limits.sipConnectionsPerSource}: jain-sip's NIO processors
     * do not enforce its {@code MAX_CONNECTIONS}, ours ({@link ConnectionCount}) read it from the stack.
     */
    private static void connectionCaps(Properties p, BridgeConfig.LimitsConfig limits) {
        p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(limits.sipConnections()));
        p.setProperty(ConnectionCount.PER_SOURCE_PROPERTY, Integer.toString(limits.sipConnectionsPerSource()));
    }

    /**
     * SIP over TLS with {@code keys}: TLS 1.2 and 1.3 only, forward-secret AEAD suites only (jain-sip's
     * default list has TLS_DH_anon), no client certificates asked (softphones have none).
     *
     * <p>The handshake: with the NIO message processors ({@link #hardening}) jain-sip drives each
     * connection's {@code SSLEngine} from its selector as bytes arrive, so a slow or stalled handshake holds
     * no thread at all and delays no other connection; one that never finishes is closed as an idle
     * connection. ({@code SSL_HANDSHAKE_TIMEOUT} is set for the blocking processors, which check it.)
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
