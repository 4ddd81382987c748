package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports refused connections: a warning at most every ten seconds, so that a peer cannot flood the log. */
final class StreamRefusals {
    private static final Logger log = LoggerFactory.getLogger(StreamRefusals.class);
    /** What the stack's own limit falls back to when it has none. */
    private static final int DEFAULT_MAX_BODY = 64 * 1024;
    private static final RefusalWarnings WARNINGS = new RefusalWarnings();

    private StreamRefusals() {
    }

    static int maxBody(NioTcpMessageProcessor processor) {
        int max = processor.getSIPStack().getMaxMessageSize();
        return max > 0 ? max : DEFAULT_MAX_BODY;
    }

    static void report(String transport, Object peerAddress, int peerPort, String why) {
        String others = WARNINGS.due();
        if (others != null) {
            log.warn("SIP over {}: closed the connection from {}:{}: {}{}", transport, peerAddress, peerPort, why,
                    others);
        }
    }
}
