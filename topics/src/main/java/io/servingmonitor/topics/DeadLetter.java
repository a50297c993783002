package io.servingmonitor.topics;

import java.util.Locale;

/**
 * What a record on {@link Topics#CONTAINER_EVENTS_DLQ} carries: the key and value bytes of a
 * record the stream processor could not read or process, exactly as they were (cut to
 * {@link #MAX_PAYLOAD_BYTES} together, see {@link #ORIGINAL_VALUE_BYTES}), and headers saying why
 * ({@link #REASON}, {@link Reason}) and where it came from. The source headers use the names of
 * Kafka Streams' own dead-letter records (KIP-1034), so tools that read those read these. The
 * original record's headers come first, copied as they were (up to {@link #MAX_ORIGINAL_HEADER_BYTES},
 * see {@link #DROPPED_HEADERS}), except any named like the headers of this class, which are the
 * dead letter's own.
 */
public final class DeadLetter {

    /** Why the record is here: one of the {@link Reason} labels, such as {@code not-json}. */
    public static final String REASON = "serving-monitor.dead-letter.reason";
    /** The topic the record was read from (almost always {@link Topics#CONTAINER_EVENTS}). */
    public static final String SOURCE_TOPIC = "__streams.errors.topic";
    /** Its partition there, in decimal. */
    public static final String SOURCE_PARTITION = "__streams.errors.partition";
    /** Its offset there, in decimal. */
    public static final String SOURCE_OFFSET = "__streams.errors.offset";
    /** The class name of the exception that refused it. */
    public static final String EXCEPTION = "__streams.errors.exception";
    /** That exception's message, at most {@link #MAX_MESSAGE_CHARS} characters. */
    public static final String EXCEPTION_MESSAGE = "__streams.errors.message";
    /**
     * Only when the value was cut to fit: its original length in bytes, in decimal. The dead
     * letter then holds the value's first bytes.
     */
    public static final String ORIGINAL_VALUE_BYTES = "serving-monitor.dead-letter.original-value-bytes";
    /**
     * Only when some of the original record's headers did not fit in
     * {@link #MAX_ORIGINAL_HEADER_BYTES}: how many were left out, in decimal.
     */
    public static final String DROPPED_HEADERS = "serving-monitor.dead-letter.dropped-headers";

    /**
     * The most key and value bytes a dead letter holds together: every record that fits in a
     * topic with Kafka's default limit and is no larger than {@link ContainerEvent#MAX_SERIALIZED_BYTES}
     * fits whole; a larger value is cut, so the dead letter never exceeds the topic's limit.
     */
    public static final int MAX_PAYLOAD_BYTES = 1_000_000;
    public static final int MAX_MESSAGE_CHARS = 1000;
    /**
     * The most bytes (names and values) of the original record's headers a dead letter copies:
     * with {@link #MAX_PAYLOAD_BYTES} and its own headers it stays under the topic's limit.
     */
    public static final int MAX_ORIGINAL_HEADER_BYTES = 16 * 1024;

    private static final String OWN_PREFIX = "serving-monitor.dead-letter.";
    private static final String STREAMS_PREFIX = "__streams.errors.";

    /** Whether {@code name} is one of the dead letter's own headers (or named like them). */
    public static boolean isDeadLetterHeader(String name) {
        return name.startsWith(OWN_PREFIX) || name.startsWith(STREAMS_PREFIX);
    }

    /** Why a record went to the dead letters; {@link #label()} is the header value and the metric label. */
    public enum Reason {
        /** A {@link Topics#CONTAINER_EVENTS} value that is not JSON (or not UTF-8). */
        NOT_JSON,
        /** JSON, but not a {@link ContainerEvent}, or missing a part its type needs (a tombstone too). */
        WRONG_SHAPE,
        /** No key, or a key that is not a {@link ContainerKey}. */
        BAD_KEY,
        /** A {@link ContainerKey} that names another company or container than the event. */
        KEY_MISMATCH,
        /** A key or value larger than an accepted write can make. */
        TOO_LARGE,
        /** Any other record that could not be deserialized (a topic of the topology's own). */
        DESERIALIZATION,
        /** A record a processor threw for. */
        PROCESSING;

        /** The label, kebab-case: {@code not-json}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private DeadLetter() {
    }
}
