package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one accepted TCP or TLS connection passes through, shared by {@link GuardedTcpChannel} and
 * {@link GuardedTlsChannel}: its bytes through a {@link ContentLengthGuard}, and its close, once, back
 * to the {@link ConnectionCount} that admitted it (jain-sip may close a channel more than once).
 */
final class ConnectionGate {
    private final String transport;
    private final ContentLengthGuard guard;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    ConnectionGate(String transport, NioTcpMessageProcessor processor, Runnable onClose) {
        this.transport = transport;
        this.guard = new ContentLengthGuard(StreamRefusals.maxBody(processor));
        this.onClose = onClose;
    }

    /** Whether jain-sip may frame {@code bytes}; when not, the refusal is reported and the caller closes. */
    boolean passes(byte[] bytes, Object peer, int peerPort) {
        if (guard.accept(bytes)) {
            return true;
        }
        StreamRefusals.report(transport, peer, peerPort, guard.refusal());
        return false;
    }

    /** The connection closed; the first call gives its place back. */
    void closed() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
        }
    }
}
