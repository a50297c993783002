package io.servingmonitor.processor;

import io.servingmonitor.topics.DeadLetter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many records one Kafka Streams instance skipped instead of stopping on them, by
 * {@link Reason}. The exception handlers that skip are created by Kafka from a class name; they
 * find this object in the configuration map Kafka hands to their {@code configure(Map)}, under
 * {@link #CONFIG_KEY} ({@link StreamsSettings#toProperties(SkippedRecords)} puts it there). So each
 * Streams instance has its own counts (several instances in one JVM, as in the tests, do not mix
 * them), and the launcher shows them in {@code /metrics}.
 */
public final class SkippedRecords {

    /**
     * The key of this object in the Streams configuration. Not a Kafka setting: Streams passes
     * unknown keys to the handlers' {@code configure} but not to its clients.
     */
    public static final String CONFIG_KEY = "serving.monitor.skipped.records";

    /**
     * Why a record was skipped; {@link #label()} is the metric label. The poison kinds of
     * {@link DeadLetter.Reason} have their own: a container event that is not JSON counts as
     * {@code not-json}, not as {@code deserialization}.
     */
    public enum Reason {
        /** An input record that could not be deserialized, and is not one of the kinds below. */
        DESERIALIZATION("deserialization"),
        /** A processor threw for the record. */
        PROCESSING("processing"),
        /** A record the topology emitted could not be serialized or produced (too large). */
        PRODUCTION("production"),
        /** A container event that is not JSON. */
        NOT_JSON("not-json"),
        /** A container event of another shape, or missing what its type needs. */
        WRONG_SHAPE("wrong-shape"),
        /** A container event without a key, or whose key is not a container key. */
        BAD_KEY("bad-key"),
        /** A container event whose key names another company or container. */
        KEY_MISMATCH("key-mismatch"),
        /** A container event or key larger than an accepted write makes. */
        TOO_LARGE("too-large");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The count of a record sent to the dead letters for {@code reason}. */
        static Reason of(DeadLetter.Reason reason) {
            return switch (reason) {
                case NOT_JSON -> NOT_JSON;
                case WRONG_SHAPE -> WRONG_SHAPE;
                case BAD_KEY -> BAD_KEY;
                case KEY_MISMATCH -> KEY_MISMATCH;
                case TOO_LARGE -> TOO_LARGE;
                case DESERIALIZATION -> DESERIALIZATION;
                case PROCESSING -> PROCESSING;
            };
        }
    }

    private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);

    public SkippedRecords() {
        for (Reason reason : Reason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    void record(Reason reason) {
        counts.get(reason).increment();
    }

    /** The records skipped for {@code reason} since this object was made. */
    public long count(Reason reason) {
        return counts.get(reason).sum();
    }

    /**
     * The object a handler was configured with.
     *
     * @throws IllegalStateException when the configuration does not carry one (the properties
     *                               were not made by {@link StreamsSettings})
     */
    static SkippedRecords from(Map<String, ?> configs, Class<?> handler) {
        Object value = configs.get(CONFIG_KEY);
        if (value instanceof SkippedRecords skipped) {
            return skipped;
        }
        throw new IllegalStateException(handler.getSimpleName() + " needs a " + SkippedRecords.class.getSimpleName()
                + " under '" + CONFIG_KEY + "' in the Streams configuration (see StreamsSettings.toProperties)");
    }
}
