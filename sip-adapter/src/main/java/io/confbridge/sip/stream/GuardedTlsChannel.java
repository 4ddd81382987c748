package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * An accepted TLS connection whose decrypted bytes pass a {@link ContentLengthGuard} before jain-sip frames
 * them (the encrypted ones mean nothing to it).
 */
final class GuardedTlsChannel extends NioTlsMessageChannel {
    private final ConnectionGate gate;

    GuardedTlsChannel(NioTcpMessageProcessor processor, SocketChannel socket, Runnable onClose) throws IOException {
        super(processor, socket);
        this.gate = new ConnectionGate("TLS", processor, onClose);
    }

    @Override
    public void addPlaintextBytes(byte[] bytes) throws Exception {
        if (gate.passes(bytes, getPeerAddress(), getPeerPort())) {
            super.addPlaintextBytes(bytes);
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
