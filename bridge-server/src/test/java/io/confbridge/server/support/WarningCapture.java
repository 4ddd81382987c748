package io.confbridge.server.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Catches, while open, every log event at WARN or above and every event that carries a throwable, on the
 * root logger, plus exceptions no thread caught. Unlike {@link LogCapture} it changes no logger's level and
 * keeps nothing else, so that a fuzz run of tens of thousands of messages neither slows down nor fills the
 * heap with DEBUG lines.
 */
public final class WarningCapture implements AutoCloseable {
    private final Logger root;
    private final List<String> lines = new ArrayList<>();
    private final Thread.UncaughtExceptionHandler previousHandler;
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null) {
                StringBuilder line = new StringBuilder().append(e.getLevel()).append(' ')
                        .append(e.getLoggerName()).append(" [").append(e.getThreadName()).append("] - ")
                        .append(e.getFormattedMessage());
                for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
                }
                synchronized (lines) {
                    lines.add(line.toString());
                }
            }
        }
    };

    private WarningCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        appender.setContext(context);
        appender.setName("warning-capture");
        appender.start();
        root.addAppender(appender);
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            StringBuilder line = new StringBuilder("UNCAUGHT [").append(thread.getName()).append("] ").append(e);
            StackTraceElement[] frames = e.getStackTrace();
            for (int i = 0; i < Math.min(4, frames.length); i++) {
                line.append(" at ").append(frames[i]);
            }
            synchronized (lines) {
                lines.add(line.toString());
            }
            // Printed at once as well: a test that fails on something else (a probe timing out because this
            // thread was jain-sip's TCP selector) must still show why.
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            e.printStackTrace(System.err);
        });
    }

    public static WarningCapture start() {
        return new WarningCapture();
    }

    /** What was caught so far, rendered with logger, level, thread, message and throwable chain. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }
}
