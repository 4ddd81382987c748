package io.confbridge.sip.logging;

import gov.nist.core.StackLogger;
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
        if (isDroppedInput(message)) {
            if (log.isDebugEnabled()) {
                log.debug(WireRedaction.redact(message));
            }
        } else {
            log.error(WireRedaction.redact(message));
        }
    }

    /**
     * jain-sip reports every unparseable datagram it drops at ERROR. That is the sender's problem, not
     * ours, and at ERROR anyone on the network could flood our logs, so it goes to DEBUG.
     */
    private static boolean isDroppedInput(String message) {
        return message != null && (message.startsWith("bad message") || message.startsWith(">>> Dropped Bad Msg"));
    }

    @Override
    public void logError(String message, Exception ex) {
        if (enabled) {
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
