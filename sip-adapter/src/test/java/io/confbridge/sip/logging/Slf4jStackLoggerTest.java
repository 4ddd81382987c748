package io.confbridge.sip.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What jain-sip reports at ERROR about input from the network, or about a peer that went away, reaches our
 * log at DEBUG: anyone could flood an ERROR log with it, and one message carries the datagram's bytes.
 * The lines are the ones the SIP fuzz test (bridge-server {@code SipFuzzTest}) drew from the stack.
 */
class Slf4jStackLoggerTest {
    private final Logger stackLog = (Logger) LoggerFactory.getLogger("gov.nist.javax.sip");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Slf4jStackLogger logger = new Slf4jStackLogger();
    private Level levelBefore;

    @BeforeEach
    void capture() {
        levelBefore = stackLog.getLevel();
        stackLog.setLevel(Level.DEBUG);
        appender.start();
        stackLog.addAppender(appender);
    }

    @AfterEach
    void release() {
        stackLog.detachAppender(appender);
        stackLog.setLevel(levelBefore);
    }

    private List<Level> levels() {
        return appender.list.stream().map(ILoggingEvent::getLevel).toList();
    }

    @Test
    void malformedInputAndVanishedPeersAreDebugNotError() {
        logger.logError("Error while processing incoming UDP packet[73, 78, 70, 79, 32, 115, 105, 112]");
        logger.logError("Malformed mandatory headers: closing socket! :Socket[addr=/127.0.0.1,port=45588]");
        logger.logError("Problem sending: sendBytes TCP inAddr 127.0.0.1 port = 45614");
        logger.logError("Could not connect to /127.0.0.1:45614");
        logger.logError("Problem connecting /127.0.0.1 45614 /127.0.0.1 for message SIP/2.0 200 OK");
        logger.logError("{127.0.0.1:45658=Socket[addr=/127.0.0.1,port=45658,localport=42251]}");
        logger.logError("Error is ", new IOException("Could not connect to /127.0.0.1:45692"));
        logger.logError("error sending response", new javax.sip.SipException("Could not connect to /127.0.0.1:60726"));
        logger.logError("A problem occured while trying to send a single CLRF in response to a double CLRF",
                new NullPointerException("transport is null"));
        logger.logError("An exception occured while sending message", new IllegalArgumentException("Port out of range:65536"));
        assertEquals(List.of(Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG,
                Level.DEBUG, Level.DEBUG, Level.DEBUG), levels());
    }

    @Test
    void aStackFailureOnADatagramIsAWarningWithoutTheDatagram() {
        logger.logError("Error while processing incoming UDP packet[80, 73, 78, 61, 49, 50, 51, 52]",
                new StringIndexOutOfBoundsException("begin -1, end 64, length 546"));
        assertEquals(List.of(Level.WARN), levels());
        String logged = appender.list.get(0).getFormattedMessage();
        assertEquals("Error while processing incoming UDP packet (contents not logged): "
                + "java.lang.StringIndexOutOfBoundsException: begin -1, end 64, length 546", logged);
    }

    @Test
    void otherStackErrorsStayErrors() {
        logger.logError("Unexpected state in the transaction table");
        logger.logError("Unexpected exception", new IllegalStateException("bug"));
        assertEquals(List.of(Level.ERROR, Level.ERROR), levels());
    }

    @Test
    void tcpMessagesThePeerGotWrongAreDebugAndTheirTextIsNotPassedOnRaw() {
        logger.logError("Error occured processing message INFO sip:bridge@127.0.0.1 SIP/2.0",
                new Exception("Bad CSeq methodINFO sip:bridge@127.0.0.1 SIP/2.0\r\nCSeq: 2 BYE\r\n\r\nSignal=1"));
        logger.logError("Error occured processing message OPTIONS sip:bridge@127.0.0.1 SIP/2.0",
                new java.net.ConnectException("Connection refused"));
        logger.logError("Error occured processing message INVITE sip:bridge@127.0.0.1 SIP/2.0",
                new RuntimeException("Unexpected internal error  Could not create a message channel for 127.0.0.1:5099/TCP"));
        logger.logError("IOException occured at ", new java.net.SocketException(
                "class java.net.ConnectException Connection refused null Problem connecting /127.0.0.1 48770 /127.0.0.1"));
        IllegalMonitorStateException unlock = new IllegalMonitorStateException();
        unlock.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("gov.nist.javax.sip.stack.NIOHandler", "removeSocket", "NIOHandler.java", 188)});
        logger.logError("Problem processing selection key event", unlock);
        logger.logError("Problem processing selection key event", new java.nio.channels.ClosedChannelException());
        assertEquals(List.of(Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.DEBUG), levels());
        assertEquals(null, appender.list.get(0).getThrowableProxy(), "the exception quoting the message is not attached");
    }

    @Test
    void aBugThrownWhileProcessingATcpMessageStaysAnError() {
        logger.logError("Error occured processing message INVITE sip:bridge@127.0.0.1 SIP/2.0",
                new NullPointerException("listener bug"));
        logger.logError("Error occured processing message INVITE sip:bridge@127.0.0.1 SIP/2.0",
                new Exception("something else"));
        assertEquals(List.of(Level.ERROR, Level.ERROR), levels());
    }
}
