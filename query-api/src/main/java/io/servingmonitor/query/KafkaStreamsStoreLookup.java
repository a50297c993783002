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
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The stores of a running Kafka Streams instance through interactive queries: across all of its
 * local active partitions, or (see {@link #partition}) one partition only. Failures while the
 * instance rebalances surface as the Streams {@code InvalidStateStoreException} subtypes that
 * {@link StoreReads} retries.
 */
public final class KafkaStreamsStoreLookup implements StoreLookup {

    private final KafkaStreams streams;
    /** Null: every local active partition. */
    private final Integer partition;
    private final boolean includeStandby;

    public KafkaStreamsStoreLookup(KafkaStreams streams) {
        this(streams, null, false);
    }

    private KafkaStreamsStoreLookup(KafkaStreams streams, Integer partition, boolean includeStandby) {
        this.streams = streams;
        this.partition = partition;
        this.includeStandby = includeStandby;
    }

    @Override
    public ReadOnlyKeyValueStore<ContainerKey, ContainerEntry> registry() {
        return store(ContainerRegistry.STORE, QueryableStoreTypes.<ContainerKey, ContainerEntry>keyValueStore());
    }

    @Override
    public ReadOnlyKeyValueStore<EndpointKey, EndpointInstances> endpoints() {
        return store(EndpointView.STORE, QueryableStoreTypes.<EndpointKey, EndpointInstances>keyValueStore());
    }

    @Override
    public ReadOnlyWindowStore<EndpointKey, WindowAggregate> metrics(MetricResolution resolution) {
        return store(resolution.storeName(), QueryableStoreTypes.<EndpointKey, WindowAggregate>windowStore());
    }

    /** Only partition {@code partition}; with {@code includeStandby} also a standby (possibly stale) copy of it. */
    @Override
    public StoreLookup partition(int partition, boolean includeStandby) {
        return new KafkaStreamsStoreLookup(streams, partition, includeStandby);
    }

    private <T> T store(String name, QueryableStoreType<T> type) {
        StoreQueryParameters<T> parameters = StoreQueryParameters.fromNameAndType(name, type);
        if (partition != null) {
            parameters = parameters.withPartition(partition);
        }
        if (includeStandby) {
            parameters = parameters.enableStaleStores();
        }
        return streams.store(parameters);
    }
}
