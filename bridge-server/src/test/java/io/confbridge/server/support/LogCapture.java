package io.confbridge.server.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Catches every log event of the process while open, to assert what must never be logged (a PIN).
 * The bridge's own loggers are opened down to TRACE for the duration, so a secret logged at a quiet
 * level is caught too; levels are put back on close.
 */
public final class LogCapture implements AutoCloseable {
    private static final String BRIDGE_LOGGERS = "io.confbridge";

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root;
    private final Logger bridge;
    private final Level bridgeLevelBefore;

    private LogCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        bridge = context.getLogger(BRIDGE_LOGGERS);
        bridgeLevelBefore = bridge.getLevel();
        appender.setContext(context);
        appender.setName("test-capture");
        appender.start();
        root.addAppender(appender);
        bridge.setLevel(Level.TRACE);
    }

    /** Starts capturing on the root logger. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /**
     * Every captured event rendered with everything a log line could show: logger, level, the formatted
     * message, MDC, key-value pairs and the messages of any throwable chain.
     */
    public List<String> lines() {
        List<ILoggingEvent> events;
        // AppenderBase.doAppend holds the appender's lock while adding.
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        List<String> lines = new ArrayList<>(events.size());
        for (ILoggingEvent e : events) {
            StringBuilder line = new StringBuilder()
                    .append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ")
                    .append(e.getFormattedMessage());
            if (!e.getMDCPropertyMap().isEmpty()) {
                line.append(" mdc=").append(e.getMDCPropertyMap());
            }
            if (e.getKeyValuePairs() != null && !e.getKeyValuePairs().isEmpty()) {
                line.append(" kv=").append(e.getKeyValuePairs());
            }
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            lines.add(line.toString());
        }
        return lines;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        bridge.setLevel(bridgeLevelBefore);
    }
}
