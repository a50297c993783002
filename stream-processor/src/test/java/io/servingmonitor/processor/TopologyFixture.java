package io.servingmonitor.processor;

import io.servingmonitor.processor.endpoints.EndpointInstances;
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
import io.servingmonitor.topics.WindowAggregate;
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
    public final TestOutputTopic<ContainerKey, ContainerEntry> containerState;
    public final TestOutputTopic<EndpointKey, EndpointStats> endpointStats;
    public final TestOutputTopic<EndpointKey, MetricWindow> metricWindows;

    public TopologyFixture(ProcessorConfig config, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serving-monitor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(ServingTopology.build(config), props, Events.T0);
        events = driver.createInputTopic(Topics.CONTAINER_EVENTS,
                Serdes.containerKey().serializer(), Serdes.containerEvent().serializer());
        containerState = driver.createOutputTopic(Topics.CONTAINER_STATE,
                Serdes.containerKey().deserializer(), Serdes.containerEntry().deserializer());
        endpointStats = driver.createOutputTopic(Topics.ENDPOINT_STATS,
                Serdes.endpointKey().deserializer(), Serdes.endpointStats().deserializer());
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

    public TopologyFixture advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
        return this;
    }

    public KeyValueStore<ContainerKey, ContainerEntry> registry() {
        return driver.getKeyValueStore(ContainerRegistry.STORE);
    }

    public <K, V> KeyValueStore<K, V> keyValueStore(String name) {
        return driver.getKeyValueStore(name);
    }

    public KeyValueStore<EndpointKey, EndpointInstances> endpointInstances() {
        return driver.getKeyValueStore(EndpointView.STORE);
    }

    public WindowStore<EndpointKey, WindowAggregate> metrics(MetricResolution resolution) {
        return driver.getWindowStore(resolution.storeName());
    }

    @Override
    public void close() {
        driver.close();
    }
}
