package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/** An accepted TCP connection whose bytes pass a {@link ContentLengthGuard} before jain-sip frames them. */
final class GuardedTcpChannel extends NioTcpMessageChannel {
    private final ContentLengthGuard guard;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    GuardedTcpChannel(NioTcpMessageProcessor processor, SocketChannel socket, Runnable onClose) throws IOException {
        super(processor, socket);
        this.onClose = onClose;
        this.messageProcessor = processor;
        this.guard = new ContentLengthGuard(StreamRefusals.maxBody(processor));
    }

    @Override
    protected void addBytes(byte[] bytes) throws Exception {
        if (guard.accept(bytes)) {
            super.addBytes(bytes);
        } else {
            StreamRefusals.report("TCP", getPeerAddress(), getPeerPort(), guard.refusal());
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
