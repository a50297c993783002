package io.servingmonitor.query;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.endpoints.EndpointMember;
import io.servingmonitor.processor.endpoints.EndpointSummary;
import io.servingmonitor.processor.registry.LoadingEntry;
import io.servingmonitor.processor.registry.RegistryEntry;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.EndpointKey;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The read-only state stores of the topology that hold a given key on this instance. A running
 * Kafka Streams instance provides them through interactive queries; a {@code TopologyTestDriver}
 * provides them in tests.
 */
public interface StoreLookup {

    ReadOnlyKeyValueStore<ContainerKey, RegistryEntry> registry();

    ReadOnlyKeyValueStore<ContainerKey, LoadingEntry> loading();

    ReadOnlyKeyValueStore<EndpointKey, EndpointSummary> endpointSummaries();

    ReadOnlyKeyValueStore<EndpointContainerKey, EndpointMember> endpointMembers();

    ReadOnlyWindowStore<EndpointContainerKey, ContainerSample> metrics(MetricResolution resolution);

    /**
     * The same stores, but only their partition {@code partition}: reading a partition that this
     * instance does not hold (as active, or also as standby when {@code includeStandby}) fails with
     * an {@code InvalidStateStoreException} instead of silently answering nothing. The default
     * returns this lookup unchanged, right for a single-partition {@code TopologyTestDriver}.
     */
    default StoreLookup partition(int partition, boolean includeStandby) {
        return this;
    }
}
