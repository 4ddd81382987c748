package io.confbridge.sip.logging;

import gov.nist.core.StackLogger;
import io.confbridge.sip.stream.AcceptPause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Properties;

/**
 * Routes jain-sip's internal logging to SLF4J, so that log4j 1.x (which jain-sip would otherwise load,
 * and which we exclude) is never needed. Named in the stack property
 * {@code gov.nist.javax.sip.STACK_LOGGER}; jain-sip instantiates it reflectively and keeps it in a
 * static field shared by all stacks in the JVM, so it holds no per-stack state.
 *
 * <p>jain-sip's INFO lines are internal detail (startup chatter, and its message-trace level is the
 * same number as INFO), so they go to DEBUG; warnings and errors keep their level.
 */
public final class Slf4jStackLogger implements StackLogger {

    private static final Logger log = LoggerFactory.getLogger("gov.nist.javax.sip");
    private static final String UDP_PACKET_FAILED = "Error while processing incoming UDP packet";

    private volatile boolean enabled = true;

    public Slf4jStackLogger() {
    }

    @Override
    public void logStackTrace() {
        logStackTrace(TRACE_DEBUG);
    }

    @Override
    public void logStackTrace(int traceLevel) {
        if (isLoggingEnabled(traceLevel)) {
            log.debug("stack trace requested by jain-sip", new Throwable("stack trace"));
        }
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable ex) {
        if (enabled) {
            log.warn("jain-sip exception", ex);
        }
    }

    @Override
    public void logDebug(String message) {
        if (enabled && log.isDebugEnabled()) {
            log.debug(WireRedaction.redact(message));
        }
    }

    @Override
    public void logDebug(String message, Exception ex) {
        if (enabled && log.isDebugEnabled()) {
            log.debug(WireRedaction.redact(message), ex);
        }
    }

    @Override
    public void logTrace(String message) {
        if (enabled && log.isTraceEnabled()) {
            log.trace(WireRedaction.redact(message));
        }
    }

    @Override
    public void logFatalError(String message) {
        log.error(message);
    }

    @Override
    public void logError(String message) {
        if (!enabled) {
            return;
        }
        // Either may quote a whole message, credentials and all.
        if (isDroppedInput(message) || isPeerGone(message)) {
            if (log.isDebugEnabled()) {
                log.debug(WireRedaction.redact(message));
            }
        } else {
            log.error(WireRedaction.redact(message));
        }
    }

    /**
     * jain-sip reports every unparseable datagram it drops at ERROR. That is the sender's problem, not
     * ours, and at ERROR anyone on the network could flood our logs, so it goes to DEBUG. (The fuzz test,
     * issue 9 §5, found the last two: one dumps the whole datagram, which may carry a PIN in an INFO body
     * or an Authorization header, the other a TCP connection closed for malformed mandatory headers.)
     */
    static boolean isDroppedInput(String message) {
        return message != null && (message.startsWith("bad message") || message.startsWith(">>> Dropped Bad Msg")
                || message.startsWith(UDP_PACKET_FAILED)
                || message.startsWith("Malformed mandatory headers")
                // A double-CRLF keepalive (RFC 5626 §4.4.1) jain-sip fails to answer on some connections.
                || message.startsWith("A problem occured while trying to send a single CLRF"));
    }

    /**
     * A peer that went away: a response or request could not be sent because its TCP connection is gone
     * and none can be opened to where it said it was. jain-sip reports this at ERROR with the socket table;
     * the bridge reports what it means for the call itself (a call ended, a response not delivered).
     */
    static boolean isPeerGone(String message) {
        return message != null && (message.startsWith("Problem sending") || message.startsWith("Could not connect")
                || message.startsWith("Problem connecting") || message.startsWith("Error is")
                || message.startsWith("error sending response")
                || message.startsWith("Exception while sending error response statelessly")
                // A response to a Via naming port 65536 or a host that is not one.
                || message.startsWith("An exception occured while sending message")
                || message.startsWith("{"));
    }

    /**
     * jain-sip's NIO TCP/TLS path hands each framed message to a pool and logs whatever its processing threw
     * as "Error occured processing message" at ERROR: a request whose CSeq method is not its own (the
     * peer's malformed input), or a response that could not be sent because the peer's connection is gone
     * and none can be opened to its Via (the peer went away). The SIP fuzz test (issue 9 §5) found both;
     * neither is the bridge's fault. The same goes for "IOException occured at" with an I/O failure: a
     * response that found the caller's TCP connection gone. Anything else thrown there stays at ERROR.
     */
    static boolean isPeerFaultOverTcp(String message, Throwable ex) {
        if (message == null || ex == null) {
            return false;
        }
        if (NioHandlerUnlock.isCause(ex)) {
            return true;
        }
        if (message.startsWith("Problem processing selection key event")) {
            // A connection refused at accept (sip.stream.ConnectionCount) is closed before jain-sip registers it.
            return ex instanceof java.nio.channels.ClosedChannelException;
        }
        if (message.startsWith("IOException occured at")) {
            // A response the stack could not send: the caller's connection is gone and none can be opened.
            return ex instanceof java.io.IOException;
        }
        if (!message.startsWith("Error occured processing message")) {
            return false;
        }
        String text = String.valueOf(ex.getMessage());
        return ex instanceof java.io.IOException
                || (ex.getClass() == Exception.class && text.startsWith("Bad CSeq method"))
                || (ex instanceof RuntimeException && text.startsWith("Unexpected internal error")
                    && (text.contains("Could not create a message channel")
                        || text.contains("Connection refused")));
    }

    @Override
    public void logError(String message, Exception ex) {
        if (!enabled) {
            return;
        }
        if (isPeerGone(message) || (isDroppedInput(message) && !message.startsWith(UDP_PACKET_FAILED))) {
            if (log.isDebugEnabled()) {
                log.debug(WireRedaction.redact(message), ex);
            }
        } else if (message != null && message.startsWith("Problem processing selection key event")
                && AcceptPause.outOfDescriptors(ex)) {
            // An accept with no descriptor left: the listener pauses, and says so at most once every 10 s,
            // rather than this line and its stack trace for each of the loop's thousands of tries a second.
            return;
        } else if (isPeerFaultOverTcp(message, ex)) {
            // The exception's own text quotes the message (an INFO body may carry a PIN): redacted, never
            // passed on as a throwable that logback would print raw.
            if (log.isDebugEnabled()) {
                log.debug("{} | {}", WireRedaction.redact(message), WireRedaction.redact(String.valueOf(ex)));
            }
        } else if (message != null && message.startsWith(UDP_PACKET_FAILED)) {
            // The stack failed on a hostile datagram after our parser refused it (building its 400 from
            // the raw text) and dropped it: a warning that names the failure, never the bytes it appends,
            // which may be a PIN in an INFO body or an Authorization header.
            log.warn(UDP_PACKET_FAILED + " (contents not logged): {}", String.valueOf(ex));
        } else {
            log.error(WireRedaction.redact(message), ex);
        }
    }

    @Override
    public void logWarning(String message) {
        if (!enabled) {
            return;
        }
        if (isTlsDefaultsNotice(message)) {
            log.debug(message);
        } else {
            log.warn(WireRedaction.redact(message));
        }
    }

    /**
     * Every stack start warns five times that TLS uses JVM defaults; the bridge runs no TLS listening
     * point, so these say nothing and would bury real warnings.
     */
    private static boolean isTlsDefaultsNotice(String message) {
        return message != null && (message.startsWith("TLS ") || message.startsWith("Using default keystore")
                || message.startsWith("Using default truststore") || message.startsWith("using default tls"));
    }

    @Override
    public void logInfo(String message) {
        if (enabled && log.isDebugEnabled()) {
            log.debug(WireRedaction.redact(message));
        }
    }

    /** jain-sip guards its debug string building with this. */
    @Override
    public boolean isLoggingEnabled() {
        return enabled && log.isDebugEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int logLevel) {
        if (!enabled) {
            return false;
        }
        return switch (logLevel) {
            case TRACE_NONE -> false;
            case TRACE_FATAL, TRACE_ERROR -> log.isErrorEnabled();
            case TRACE_WARN -> log.isWarnEnabled();
            case TRACE_INFO, TRACE_DEBUG -> log.isDebugEnabled(); // TRACE_INFO == TRACE_MESSAGES
            default -> log.isTraceEnabled();
        };
    }

    @Override
    public void disableLogging() {
        enabled = false;
    }

    @Override
    public void enableLogging() {
        enabled = true;
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        log.debug("jain-sip build {}", buildTimeStamp);
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // Levels come from the SLF4J backend's configuration, not from stack properties.
    }

    @Override
    public String getLoggerName() {
        return log.getName();
    }
}
