package io.servingmonitor.topics;

import java.util.Locale;

/**
 * What a record on {@link Topics#CONTAINER_EVENTS_DLQ} carries: the key and value bytes of a
 * record the stream processor could not read or process, exactly as they were (cut to
 * {@link #MAX_PAYLOAD_BYTES} together, see {@link #ORIGINAL_VALUE_BYTES}), and headers saying why
 * ({@link #REASON}, {@link Reason}) and where it came from. The source headers use the names of
 * Kafka Streams' own dead-letter records (KIP-1034), so tools that read those read these. The
 * original record's headers are not copied.
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
     * The most key and value bytes a dead letter holds together: every record that fits in a
     * topic with Kafka's default limit and is no larger than {@link ContainerEvent#MAX_SERIALIZED_BYTES}
     * fits whole; a larger value is cut, so the dead letter never exceeds the topic's limit.
     */
    public static final int MAX_PAYLOAD_BYTES = 1_000_000;
    public static final int MAX_MESSAGE_CHARS = 1000;

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
