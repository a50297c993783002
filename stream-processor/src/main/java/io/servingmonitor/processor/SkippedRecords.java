package io.servingmonitor.processor;

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

    /** Why a record was skipped; {@link #label()} is the metric label. */
    public enum Reason {
        /** An input record that could not be deserialized. */
        DESERIALIZATION("deserialization"),
        /** A processor threw for the record. */
        PROCESSING("processing"),
        /** A record the topology emitted could not be serialized or produced (too large). */
        PRODUCTION("production");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
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
