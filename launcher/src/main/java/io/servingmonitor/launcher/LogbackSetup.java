package io.servingmonitor.launcher;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * {@link LogSetup}'s part that names Logback's classes; loaded only when Logback is the SLF4J
 * provider, so the launcher runs on a class path without Logback.
 */
final class LogbackSetup {

    private LogbackSetup() {
    }

    static void apply(LogSetup.Format format, Optional<Level> level) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        level.ifPresent(l -> context.getLogger(LogSetup.OWN_LOGGERS).setLevel(ch.qos.logback.classic.Level.toLevel(l.name())));
        if (format == LogSetup.Format.JSON) {
            ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            ConsoleAppender<ILoggingEvent> json = jsonAppender(context);
            root.detachAndStopAllAppenders();
            root.addAppender(json);
        }
    }

    /** {@link #jsonEncoder}'s lines on standard error. */
    static ConsoleAppender<ILoggingEvent> jsonAppender(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("json");
        appender.setTarget("System.err");
        appender.setEncoder(jsonEncoder(context));
        appender.start();
        return appender;
    }

    /**
     * One JSON object per line: {@code timestamp} (epoch milliseconds), {@code level},
     * {@code threadName}, {@code loggerName}, {@code mdc}, {@code formattedMessage}, and
     * {@code throwable} ({@code className}, {@code message}, {@code stepArray}, {@code cause};
     * null without one).
     */
    static JsonEncoder jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
