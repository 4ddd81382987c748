package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/** An accepted TCP connection whose bytes pass a {@link ContentLengthGuard} before jain-sip frames them. */
final class GuardedTcpChannel extends NioTcpMessageChannel {
    private final ConnectionGate gate;

    GuardedTcpChannel(NioTcpMessageProcessor processor, SocketChannel socket, Runnable onClose) throws IOException {
        super(processor, socket);
        this.messageProcessor = processor;
        this.gate = new ConnectionGate("TCP", processor, onClose);
    }

    @Override
    protected void addBytes(byte[] bytes) throws Exception {
        if (gate.passes(bytes, getPeerAddress(), getPeerPort())) {
            super.addBytes(bytes);
        } else {
            close(true, true);
        }
    }

    @Override
    protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
        try {
            super.close(removeSocket, stopKeepAliveTask);
        } finally {
            gate.closed();
        }
    }
}
