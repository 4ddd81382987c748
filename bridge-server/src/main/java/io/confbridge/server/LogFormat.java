package io.confbridge.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * {@code logging.format} (issue 10 §6): {@code text} keeps the pattern of {@code logback.xml};
 * {@code json} swaps every console appender's encoder for logstash-logback-encoder's, one JSON object per
 * line with the MDC fields ({@code callId}, {@code conferenceId}, {@code stage}) and key-value pairs (the
 * call summary's) as fields of their own.
 */
public final class LogFormat {
    private LogFormat() {
    }

    /** Applies the format to the process's logging; {@code text} changes nothing. */
    public static void apply(String format) {
        if (!"json".equals(format) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                appender.stop();
                appender.setEncoder(jsonEncoder(context));
                appender.start();
            }
        }
    }

    /** The JSON encoder the bridge logs with, started. */
    public static LogstashEncoder jsonEncoder(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }
}
