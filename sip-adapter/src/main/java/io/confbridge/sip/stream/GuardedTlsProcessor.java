package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

/** jain-sip's NIO TLS processor whose accepted connections are {@link GuardedTlsChannel}s. */
final class GuardedTlsProcessor extends NioTlsMessageProcessor {

    private final ConnectionCount connections = new ConnectionCount();
    /** Stops accepting for a moment when the process has no descriptor left; set at start. */
    private AcceptPause acceptPause;
    private String selectorName;

    GuardedTlsProcessor(InetAddress address, SIPTransactionStack stack, int port) {
        super(address, stack, port);
    }

    @Override
    public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client)
            throws IOException {
        NioTcpMessageChannel channel = nioHandler.getMessageChannel(client);
        if (channel == null) {
            InetAddress peer = client.socket().getInetAddress();
            if (!connections.admit(client, getTransport())) {
                return null; // jain-sip then fails to register the closed channel, which the logger knows as harmless
            }
            channel = new GuardedTlsChannel(processor, client, () -> connections.closed(peer));
            nioHandler.putMessageChannel(client, channel);
        }
        return channel;
    }

    @Override
    public void start() throws IOException {
        super.start();
        SelectorRestart.watch(selectorThread, getTransport(), () -> selector.isOpen(), this::replacementSelector);
        selectorName = selectorThread.getName();
        acceptPause = AcceptPause.watch(selectorName, getTransport(), selector, channel);
    }

    @Override
    public void stop() {
        if (acceptPause != null) {
            AcceptPause.unwatch(selectorName, acceptPause);
        }
        super.stop();
    }

    private Thread replacementSelector(String name) {
        Thread next = new Thread(createProcessorTask(), name);
        selectorThread = next;
        return next;
    }
}
