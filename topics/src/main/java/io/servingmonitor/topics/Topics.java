package io.servingmonitor.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

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
 * </ul>
 */
public final class Topics {

    public static final String CONTAINER_EVENTS = "container-events";
    public static final String CONTAINER_STATE = "container-state";
    public static final String ENDPOINT_STATS = "endpoint-stats";
    public static final String METRIC_WINDOWS = "metric-windows";

    private static final Duration EVENTS_RETENTION = Duration.ofDays(7);
    private static final Duration METRIC_WINDOWS_RETENTION = Duration.ofDays(30);

    private Topics() {
    }

    /** The topics this system owns, with the given partition count and replication factor. */
    public static List<TopicSpec> all(TopicSettings settings) {
        return List.of(
                deleting(CONTAINER_EVENTS, settings, EVENTS_RETENTION),
                compacted(CONTAINER_STATE, settings),
                compacted(ENDPOINT_STATS, settings),
                deleting(METRIC_WINDOWS, settings, METRIC_WINDOWS_RETENTION));
    }

    private static TopicSpec deleting(String name, TopicSettings settings, Duration retention) {
        return new TopicSpec(name, settings.partitions(), settings.replicationFactor(), Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())));
    }

    private static TopicSpec compacted(String name, TopicSettings settings) {
        return new TopicSpec(name, settings.partitions(), settings.replicationFactor(), Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }
}
