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
        // Listener work is short (the core posts to its own loops), so a small pool sized to the cores
        // suffices; the machine we target has 2.
        return p;
    }

    /** Two threads a core, at least 4: listener work is short but may wait on socket writes. */
    static int threadPoolSize() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }
}
