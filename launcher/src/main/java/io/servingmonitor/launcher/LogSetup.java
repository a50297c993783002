package io.servingmonitor.launcher;

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
 * their own class path, with slf4j-simple, and no Logback at all) keeps its own configuration:
 * text and the default level are then what it already does, anything else is refused. Only
 * {@link LogbackSetup} names Logback's classes, and it is loaded only where Logback logs.
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

    /** The SLF4J provider of Logback, by name: this class must load where Logback is absent. */
    static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";

    /**
     * Logs from now on in {@code format}, {@code io.servingmonitor} at {@code level} (empty: as
     * {@code logback.xml} says, info).
     *
     * @throws IllegalStateException when the SLF4J provider is not Logback and something other than
     *                               what it does already is asked for
     */
    static void apply(Format format, Optional<Level> level) {
        String provider = LoggerFactory.getILoggerFactory().getClass().getName();
        if (!provider.equals(LOGBACK_CONTEXT)) {
            if (format != Format.TEXT || level.isPresent()) {
                throw new IllegalStateException("--log-format json and --log-level need Logback (logback-classic) on the"
                        + " class path; this JVM logs with " + provider);
            }
            return;
        }
        LogbackSetup.apply(format, level);
    }
}
