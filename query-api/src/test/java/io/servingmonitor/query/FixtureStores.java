package io.servingmonitor.query;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.TopologyFixture;
import io.servingmonitor.processor.endpoints.EndpointInstances;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.WindowAggregate;
import java.time.Clock;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** The stores of a {@link TopologyFixture}, seen as the query side sees a running instance's. */
record FixtureStores(TopologyFixture fixture) implements StoreLookup {

    /** The local reads over {@code fixture}'s stores at the default resolutions and limits, "now" from {@code clock}. */
    static ServingQueries queries(TopologyFixture fixture, Clock clock) {
        return new ServingQueries(new FixtureStores(fixture), ProcessorConfig.defaults().resolutions(),
                QueryConfig.defaults(), clock);
    }

    @Override
    public ReadOnlyKeyValueStore<ContainerKey, ContainerEntry> registry() {
        return fixture.registry();
    }

    @Override
    public ReadOnlyKeyValueStore<EndpointKey, EndpointInstances> endpoints() {
        return fixture.endpointInstances();
    }

    @Override
    public ReadOnlyWindowStore<EndpointKey, WindowAggregate> metrics(MetricResolution resolution) {
        return fixture.metrics(resolution);
    }
}
