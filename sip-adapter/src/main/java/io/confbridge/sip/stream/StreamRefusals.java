package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Reports refused connections: a warning at most every ten seconds, so that a peer cannot flood the log. */
final class StreamRefusals {
    private static final Logger log = LoggerFactory.getLogger(StreamRefusals.class);
    private static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    /** What the stack's own limit falls back to when it has none. */
    private static final int DEFAULT_MAX_BODY = 64 * 1024;
    private static final AtomicLong lastWarningNs = new AtomicLong(System.nanoTime() - INTERVAL_NS);
    private static final AtomicLong unreported = new AtomicLong();

    private StreamRefusals() {
    }

    static int maxBody(NioTcpMessageProcessor processor) {
        int max = processor.getSIPStack().getMaxMessageSize();
        return max > 0 ? max : DEFAULT_MAX_BODY;
    }

    static void report(String transport, Object peerAddress, int peerPort, String why) {
        long now = System.nanoTime();
        long last = lastWarningNs.get();
        if (now - last >= INTERVAL_NS && lastWarningNs.compareAndSet(last, now)) {
            long others = unreported.getAndSet(0);
            log.warn("SIP over {}: closed the connection from {}:{}: {}{}", transport, peerAddress, peerPort, why,
                    others == 0 ? "" : " (and " + others + " other connection(s) since the last such warning)");
        } else {
            unreported.incrementAndGet();
        }
    }
}
