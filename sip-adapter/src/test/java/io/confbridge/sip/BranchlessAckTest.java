package io.confbridge.sip;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An ACK over TCP whose top Via has no branch and that matches no dialog made jain-sip look the missing
 * branch up in a ConcurrentHashMap: a NullPointerException logged at ERROR for each such ACK (found by the SIP
 * fuzz test). The parser now refuses it, and the connection goes on serving.
 */
class BranchlessAckTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @AfterEach
    void closeAll() throws Exception {
        root.detachAppender(appender);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void isDroppedWithoutAnErrorAndTcpStillAnswers() throws Exception {
        int port = FreePorts.sipPort();
        SipServer server = new SipServer(TestSipConfig.on(port).build(), new RecordingCallAcceptor());
        toClose.add(server);
        server.start();
        appender.start();
        root.addAppender(appender);

        SipTestClient tcp = SipTestClient.tcp(port);
        toClose.add(0, tcp);
        String head = " sip:bridge@127.0.0.1:" + port + " SIP/2.0\r\n";
        String common = "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:bridge@127.0.0.1>;tag=2\r\n"
                + "Call-ID: stray-ack@127.0.0.1\r\nMax-Forwards: 70\r\n";
        tcp.send("ACK" + head + "Via: SIP/2.0/TCP 127.0.0.1:" + tcp.localPort() + "\r\n" + common
                + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
        // Same Call-ID: jain-sip hands both to the same thread in order, so once the OPTIONS is answered the
        // ACK has been through the stack.
        tcp.send("OPTIONS" + head + "Via: SIP/2.0/TCP 127.0.0.1:" + tcp.localPort() + ";branch=z9hG4bK-after-ack\r\n"
                + common.replace(";tag=2", "") + "CSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        tcp.awaitResponse(200, "OPTIONS");

        List<String> errors = appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        assertEquals(List.of(), errors);
    }
}
