package io.servingmonitor.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;

/**
 * Every topic of the system, declared once. Names are kebab-case and never retyped elsewhere.
 *
 * <ul>
 *   <li>{@link #CONTAINER_EVENTS}: every accepted write (register, status report, unregister),
 *       keyed by {@link ContainerKey}. The source of truth; kept 7 days.</li>
 *   <li>{@link #CONTAINER_STATE}: the live registry, keyed by {@link ContainerKey}, compacted; a
 *       tombstone when a container unregisters or expires.</li>
 *   <li>{@link #ENDPOINT_STATS}: one {@link EndpointStats} row per endpoint url, keyed by
 *       {@link EndpointKey}, compacted; a tombstone when the endpoint has no container left.</li>
 *   <li>{@link #METRIC_WINDOWS}: closed metric windows ({@link MetricWindow}) at every resolution,
 *       keyed by {@link EndpointKey}; kept 30 days.</li>
 *   <li>{@link #CONTAINER_EVENTS_DLQ}: the dead letters, records the topology could not read or
 *       process, with their original key and value bytes and {@link DeadLetter} headers saying
 *       why and where they came from; kept 7 days. Not part of {@link #all}: its bytes are
 *       whatever was refused, so it has no schema.</li>
 * </ul>
 *
 * <p>{@link #CONTAINER_EVENTS} takes the broker's append time as record timestamp
 * ({@code message.timestamp.type=LogAppendTime}): the stream processor trusts an event's own
 * time only within a bounded skew of it, so one ingest host whose clock jumps cannot move
 * stream time for good.
 */
public final class Topics {

    public static final String CONTAINER_EVENTS = "container-events";
    public static final String CONTAINER_STATE = "container-state";
    public static final String ENDPOINT_STATS = "endpoint-stats";
    public static final String METRIC_WINDOWS = "metric-windows";
    public static final String CONTAINER_EVENTS_DLQ = "container-events-dlq";

    private static final Duration EVENTS_RETENTION = Duration.ofDays(7);
    private static final Duration METRIC_WINDOWS_RETENTION = Duration.ofDays(30);
    private static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(7);
    /**
     * The dead-letter topic's record limit, Kafka's default broker limit written down: a dead
     * letter carries at most {@link DeadLetter#MAX_PAYLOAD_BYTES} of the original bytes, so it
     * always fits, even on a cluster whose default limit is lower.
     */
    static final String DEAD_LETTER_MAX_MESSAGE_BYTES = "1048588";

    private Topics() {
    }

    /**
     * The topics of the data contract (each with a key and a value schema, {@link TopicSchemas}),
     * with the given partition count and replication factor.
     */
    public static List<TopicSpec> all(TopicSettings settings) {
        return List.of(
                events(settings),
                compacted(CONTAINER_STATE, settings),
                compacted(ENDPOINT_STATS, settings),
                deleting(METRIC_WINDOWS, settings, METRIC_WINDOWS_RETENTION));
    }

    /** Every topic the service creates and checks at start: {@link #all} and the dead-letter topic. */
    public static List<TopicSpec> owned(TopicSettings settings) {
        List<TopicSpec> owned = new ArrayList<>(all(settings));
        owned.add(deadLetters(settings));
        return List.copyOf(owned);
    }

    /** The dead-letter topic, {@link #CONTAINER_EVENTS_DLQ}. */
    public static TopicSpec deadLetters(TopicSettings settings) {
        return new TopicSpec(CONTAINER_EVENTS_DLQ, settings.partitions(), settings.replicationFactor(), Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(DEAD_LETTER_RETENTION.toMillis()),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, DEAD_LETTER_MAX_MESSAGE_BYTES,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInSync(settings)),
                Set.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG));
    }

    private static TopicSpec events(TopicSettings settings) {
        // The timestamp type only decides how new records are stamped: safe to set on an
        // existing topic (one made by an earlier build), so it is aligned rather than refused.
        return new TopicSpec(CONTAINER_EVENTS, settings.partitions(), settings.replicationFactor(), Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(EVENTS_RETENTION.toMillis()),
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInSync(settings)),
                Set.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG));
    }

    private static TopicSpec deleting(String name, TopicSettings settings, Duration retention) {
        return new TopicSpec(name, settings.partitions(), settings.replicationFactor(), Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInSync(settings)),
                Set.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG));
    }

    private static TopicSpec compacted(String name, TopicSettings settings) {
        return new TopicSpec(name, settings.partitions(), settings.replicationFactor(), Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInSync(settings)),
                Set.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG));
    }

    /**
     * Declared on every topic (and aligned on an existing one: it only decides when a write is
     * acknowledged), so that durability does not depend on the brokers' default of 1.
     */
    private static String minInSync(TopicSettings settings) {
        return Integer.toString(settings.minInSyncReplicas());
    }
}
