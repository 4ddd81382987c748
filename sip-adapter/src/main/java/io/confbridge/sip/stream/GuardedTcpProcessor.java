package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

/** jain-sip's NIO TCP processor whose accepted connections are {@link GuardedTcpChannel}s. */
final class GuardedTcpProcessor extends NioTcpMessageProcessor {

    private final ConnectionCount connections;
    /** Set at start. */
    private ListenerGuards guards;

    GuardedTcpProcessor(InetAddress address, SIPTransactionStack stack, int port) {
        super(address, stack, port);
        connections = ConnectionCount.of(stack);
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
            channel = new GuardedTcpChannel(processor, client, () -> connections.closed(peer));
            nioHandler.putMessageChannel(client, channel);
        }
        return channel;
    }

    @Override
    public void start() throws IOException {
        super.start();
        guards = ListenerGuards.start(selectorThread, getTransport(), selector, channel, this::replacementSelector);
    }

    @Override
    public void stop() {
        if (guards != null) {
            guards.stop();
        }
        super.stop();
    }

    private Thread replacementSelector(String name) {
        Thread next = new Thread(createProcessorTask(), name);
        selectorThread = next;
        return next;
    }
}
