package io.servingmonitor.processor;

import io.servingmonitor.processor.endpoints.EndpointMember;
import io.servingmonitor.processor.endpoints.EndpointSummary;
import io.servingmonitor.processor.registry.LoadingEntry;
import io.servingmonitor.processor.registry.RegistryEntry;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.WindowAggregate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.kstream.Windowed;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import io.servingmonitor.processor.endpoints.EndpointView;
import io.servingmonitor.processor.registry.ContainerRegistry;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.MetricWindow;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The {@link ServingTopology} in a {@link TopologyTestDriver} whose wall clock starts at
 * {@link Events#T0}: send events, advance the wall clock, read the output topics and stores.
 */
public final class TopologyFixture implements AutoCloseable {

    private final TopologyTestDriver driver;
    private final TestInputTopic<ContainerKey, ContainerEvent> events;
    public final RecordedOutput<ContainerKey, ContainerEntry> containerState;
    public final RecordedOutput<EndpointKey, EndpointStats> endpointStats;
    public final TestOutputTopic<EndpointKey, MetricWindow> metricWindows;

    public TopologyFixture(ProcessorConfig config, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serving-monitor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // Closed windows are emitted at once rather than at most once a second of wall-clock time.
        props.put(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, 0L);
        // The stores as in production: transactional (their writes buffered until the commit).
        props.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
        driver = new TopologyTestDriver(ServingTopology.build(config), props, Events.T0);
        events = driver.createInputTopic(Topics.CONTAINER_EVENTS,
                Serdes.containerKey().serializer(), Serdes.containerEvent().serializer());
        containerState = new RecordedOutput<>(driver.createOutputTopic(Topics.CONTAINER_STATE,
                Serdes.containerKey().deserializer(), Serdes.containerEntry().deserializer()));
        endpointStats = new RecordedOutput<>(driver.createOutputTopic(Topics.ENDPOINT_STATS,
                Serdes.endpointKey().deserializer(), Serdes.endpointStats().deserializer()));
        metricWindows = driver.createOutputTopic(Topics.METRIC_WINDOWS,
                Serdes.endpointKey().deserializer(), Serdes.metricWindow().deserializer());
    }

    public static TopologyFixture withDefaults(Path stateDir) {
        return new TopologyFixture(ProcessorConfig.defaults(), stateDir);
    }

    /** Sends events in order, each with its own time as record timestamp. */
    public TopologyFixture send(ContainerEvent... sent) {
        for (ContainerEvent event : sent) {
            events.pipeInput(event.key(), event, Instant.ofEpochMilli(event.timestampMs()));
        }
        return this;
    }

    /**
     * Sends an event whose record timestamp, the broker's append time on the real topic, is
     * {@code appendedAt} rather than the event's own time (a producer whose clock is off).
     */
    public TopologyFixture sendAppendedAt(Instant appendedAt, ContainerEvent event) {
        events.pipeInput(event.key(), event, appendedAt);
        return this;
    }

    public TopologyFixture advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
        return this;
    }

    public KeyValueStore<ContainerKey, RegistryEntry> registry() {
        return driver.getKeyValueStore(ContainerRegistry.STORE);
    }

    public KeyValueStore<ContainerKey, LoadingEntry> loading() {
        return driver.getKeyValueStore(ContainerRegistry.LOADING_STORE);
    }

    /** The container's latest state as published on {@code container-state} (null when gone). */
    public ContainerEntry latestState(ContainerKey key) {
        return containerState.latest(key);
    }

    public <K, V> KeyValueStore<K, V> keyValueStore(String name) {
        return driver.getKeyValueStore(name);
    }

    public KeyValueStore<EndpointContainerKey, EndpointMember> endpointMembers() {
        return driver.getKeyValueStore(EndpointView.MEMBERS_STORE);
    }

    public KeyValueStore<EndpointKey, EndpointSummary> endpointSummaries() {
        return driver.getKeyValueStore(EndpointView.SUMMARY_STORE);
    }

    /** The ids of the containers the endpoint view holds on {@code endpoint}, sorted. */
    public List<String> memberIds(EndpointKey endpoint) {
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<EndpointContainerKey, EndpointMember> it = endpointMembers().prefixScan(
                EndpointContainerKey.endpointPrefix(endpoint), new ByteArraySerializer())) {
            it.forEachRemaining(kv -> ids.add(kv.key.containerId()));
        }
        return ids;
    }

    /** The store named {@code name}, as the topology built it (with every layer Kafka Streams wraps it in). */
    public StateStore stateStore(String name) {
        return driver.getAllStateStores().get(name);
    }

    public WindowStore<EndpointContainerKey, ContainerSample> metrics(MetricResolution resolution) {
        return driver.getWindowStore(resolution.storeName());
    }

    /**
     * The window of {@code endpoint} starting at {@code startMs} at {@code resolution}, as one
     * aggregate of its containers' samples (null when no container has one).
     */
    public WindowAggregate window(MetricResolution resolution, EndpointKey endpoint, long startMs) {
        Map<String, ContainerSample> containers = new HashMap<>();
        try (KeyValueIterator<Windowed<EndpointContainerKey>, ContainerSample> it = metrics(resolution).fetch(
                EndpointContainerKey.rangeStart(endpoint), EndpointContainerKey.rangeEnd(endpoint),
                Instant.ofEpochMilli(startMs), Instant.ofEpochMilli(startMs))) {
            it.forEachRemaining(kv -> containers.put(kv.key.key().containerId(), kv.value));
        }
        return containers.isEmpty() ? null : new WindowAggregate(containers);
    }

    @Override
    public void close() {
        driver.close();
    }
}
