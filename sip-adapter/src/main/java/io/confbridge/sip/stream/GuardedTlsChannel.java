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
    private final ContentLengthGuard guard;

    GuardedTlsChannel(NioTcpMessageProcessor processor, SocketChannel socket) throws IOException {
        super(processor, socket);
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
}
