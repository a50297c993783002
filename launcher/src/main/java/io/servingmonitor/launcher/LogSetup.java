package io.servingmonitor.launcher;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * How the launcher logs, set from {@code --log-format} and {@code --log-level} before the first
 * line: {@code logback.xml} gives the levels and the text lines
 * ({@code 2026-01-02T03:04:05.678+0000 INFO ServingNode - ...}, on standard error); JSON replaces
 * them with one object per line from Logback's {@link JsonEncoder}.
 *
 * <p>A JVM whose SLF4J provider is not Logback (the bench and fault harnesses run the launcher on
 * their own class path, with slf4j-simple) keeps its own configuration: text and the default level
 * are then what it already does, anything else is refused.
 */
final class LogSetup {

    /** The line format of {@code --log-format}. */
    enum Format {
        TEXT, JSON;

        /** {@code text} or {@code json}. */
        static Format parse(String flag, String value) {
            return switch (value) {
                case "text" -> TEXT;
                case "json" -> JSON;
                default -> throw new IllegalArgumentException(flag + " must be text or json, not '" + value + "'");
            };
        }
    }

    /** The loggers {@code --log-level} sets: the service's own. */
    static final String OWN_LOGGERS = "io.servingmonitor";

    private LogSetup() {
    }

    /** {@code trace}, {@code debug}, {@code info}, {@code warn} or {@code error}. */
    static Level parseLevel(String flag, String value) {
        for (Level level : Level.values()) {
            if (level.name().toLowerCase(Locale.ROOT).equals(value)) {
                return level;
            }
        }
        throw new IllegalArgumentException(flag + " must be one of trace, debug, info, warn, error, not '" + value + "'");
    }

    /**
     * Logs from now on in {@code format}, {@code io.servingmonitor} at {@code level} (empty: as
     * {@code logback.xml} says, info).
     *
     * @throws IllegalStateException when the SLF4J provider is not Logback and something other than
     *                               what it does already is asked for
     */
    static void apply(Format format, Optional<Level> level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            if (format != Format.TEXT || level.isPresent()) {
                throw new IllegalStateException("--log-format json and --log-level need Logback (logback-classic) on the"
                        + " class path; this JVM logs with " + LoggerFactory.getILoggerFactory().getClass().getName());
            }
            return;
        }
        level.ifPresent(l -> context.getLogger(OWN_LOGGERS).setLevel(ch.qos.logback.classic.Level.toLevel(l.name())));
        if (format == Format.JSON) {
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
