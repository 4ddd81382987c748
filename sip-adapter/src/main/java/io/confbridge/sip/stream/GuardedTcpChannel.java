package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/** An accepted TCP connection whose bytes pass a {@link ContentLengthGuard} before jain-sip frames them. */
final class GuardedTcpChannel extends NioTcpMessageChannel {
    private final ContentLengthGuard guard;

    GuardedTcpChannel(NioTcpMessageProcessor processor, SocketChannel socket) throws IOException {
        super(processor, socket);
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
}
