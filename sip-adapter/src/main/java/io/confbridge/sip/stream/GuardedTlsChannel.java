package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An accepted TLS connection whose decrypted bytes pass a {@link ContentLengthGuard} before jain-sip frames
 * them (the encrypted ones mean nothing to it).
 */
final class GuardedTlsChannel extends NioTlsMessageChannel {
    private final ContentLengthGuard guard;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    GuardedTlsChannel(NioTcpMessageProcessor processor, SocketChannel socket, Runnable onClose) throws IOException {
        super(processor, socket);
        this.onClose = onClose;
        this.guard = new ContentLengthGuard(StreamRefusals.maxBody(processor));
    }

    @Override
    public void addPlaintextBytes(byte[] bytes) throws Exception {
        if (guard.accept(bytes)) {
            super.addPlaintextBytes(bytes);
        } else {
            StreamRefusals.report("TLS", getPeerAddress(), getPeerPort(), guard.refusal());
            close(true, true);
        }
    }

    @Override
    protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
        try {
            super.close(removeSocket, stopKeepAliveTask);
        } finally {
            if (closed.compareAndSet(false, true)) {
                onClose.run();
            }
        }
    }
}
