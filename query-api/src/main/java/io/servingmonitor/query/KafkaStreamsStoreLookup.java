package io.servingmonitor.query;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.endpoints.EndpointInstances;
import io.servingmonitor.processor.endpoints.EndpointView;
import io.servingmonitor.processor.registry.ContainerRegistry;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.WindowAggregate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The stores of a running Kafka Streams instance, across all of its local partitions, through
 * interactive queries. Failures while the instance rebalances surface as the Streams
 * {@code InvalidStateStoreException} subtypes that {@link StoreReads} retries.
 */
public final class KafkaStreamsStoreLookup implements StoreLookup {

    private final KafkaStreams streams;

    public KafkaStreamsStoreLookup(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public ReadOnlyKeyValueStore<ContainerKey, ContainerEntry> registry() {
        return streams.store(StoreQueryParameters.fromNameAndType(
                ContainerRegistry.STORE, QueryableStoreTypes.<ContainerKey, ContainerEntry>keyValueStore()));
    }

    @Override
    public ReadOnlyKeyValueStore<EndpointKey, EndpointInstances> endpoints() {
        return streams.store(StoreQueryParameters.fromNameAndType(
                EndpointView.STORE, QueryableStoreTypes.<EndpointKey, EndpointInstances>keyValueStore()));
    }

    @Override
    public ReadOnlyWindowStore<EndpointKey, WindowAggregate> metrics(MetricResolution resolution) {
        return streams.store(StoreQueryParameters.fromNameAndType(
                resolution.storeName(), QueryableStoreTypes.<EndpointKey, WindowAggregate>windowStore()));
    }
}
