package io.servingmonitor.query;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.TopologyFixture;
import io.servingmonitor.processor.endpoints.EndpointMember;
import io.servingmonitor.processor.endpoints.EndpointSummary;
import io.servingmonitor.processor.registry.LoadingEntry;
import io.servingmonitor.processor.registry.RegistryEntry;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.EndpointKey;
import java.time.Clock;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** The stores of a {@link TopologyFixture}, seen as the query side sees a running instance's. */
record FixtureStores(TopologyFixture fixture) implements StoreLookup {

    /** The local reads over {@code fixture}'s stores at the default resolutions and limits, "now" from {@code clock}. */
    static ServingQueries queries(TopologyFixture fixture, Clock clock) {
        return new ServingQueries(new FixtureStores(fixture), ProcessorConfig.defaults().resolutions(),
                ProcessorConfig.defaults().rollups(), QueryConfig.defaults(), clock);
    }

    @Override
    public ReadOnlyKeyValueStore<ContainerKey, RegistryEntry> registry() {
        return fixture.registry();
    }

    @Override
    public ReadOnlyKeyValueStore<ContainerKey, LoadingEntry> loading() {
        return fixture.loading();
    }

    @Override
    public ReadOnlyKeyValueStore<EndpointKey, EndpointSummary> endpointSummaries() {
        return fixture.endpointSummaries();
    }

    @Override
    public ReadOnlyKeyValueStore<EndpointContainerKey, EndpointMember> endpointMembers() {
        return fixture.endpointMembers();
    }

    @Override
    public ReadOnlyWindowStore<EndpointContainerKey, ContainerSample> metrics(MetricResolution resolution) {
        return fixture.metrics(resolution);
    }
}
