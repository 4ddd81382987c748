package io.confbridge.sip.stream;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.io.IOException;
import java.net.InetAddress;

/**
 * jain-sip's NIO message processors (one selector thread for every TCP or TLS connection, issue 9 §2),
 * with each connection's bytes passed through a {@link ContentLengthGuard} before the stack's framing
 * parser, and a selector thread that is replaced if it ever dies. jain-sip instantiates this class by
 * name ({@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}); UDP is left to jain-sip's own factory.
 */
public final class GuardedMessageProcessorFactory implements MessageProcessorFactory {
    private final MessageProcessorFactory nio = new NioMessageProcessorFactory();

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
                                                   String transport) throws IOException {
        if ("TCP".equalsIgnoreCase(transport)) {
            return new GuardedTcpProcessor(address, stack, port);
        }
        if ("TLS".equalsIgnoreCase(transport)) {
            return new GuardedTlsProcessor(address, stack, port);
        }
        return nio.createMessageProcessor(stack, address, port, transport);
    }
}
