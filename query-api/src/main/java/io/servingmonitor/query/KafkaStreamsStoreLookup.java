package io.servingmonitor.query;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.endpoints.EndpointMember;
import io.servingmonitor.processor.endpoints.EndpointSummary;
import io.servingmonitor.processor.endpoints.EndpointView;
import io.servingmonitor.processor.registry.ContainerRegistry;
import io.servingmonitor.processor.registry.LoadingEntry;
import io.servingmonitor.processor.registry.RegistryEntry;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.EndpointKey;
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
    public ReadOnlyKeyValueStore<ContainerKey, RegistryEntry> registry() {
        return store(ContainerRegistry.STORE, QueryableStoreTypes.<ContainerKey, RegistryEntry>keyValueStore());
    }

    @Override
    public ReadOnlyKeyValueStore<ContainerKey, LoadingEntry> loading() {
        return store(ContainerRegistry.LOADING_STORE, QueryableStoreTypes.<ContainerKey, LoadingEntry>keyValueStore());
    }

    @Override
    public ReadOnlyKeyValueStore<EndpointKey, EndpointSummary> endpointSummaries() {
        return store(EndpointView.SUMMARY_STORE, QueryableStoreTypes.<EndpointKey, EndpointSummary>keyValueStore());
    }

    @Override
    public ReadOnlyKeyValueStore<EndpointContainerKey, EndpointMember> endpointMembers() {
        return store(EndpointView.MEMBERS_STORE, QueryableStoreTypes.<EndpointContainerKey, EndpointMember>keyValueStore());
    }

    @Override
    public ReadOnlyWindowStore<EndpointContainerKey, ContainerSample> metrics(MetricResolution resolution) {
        return store(resolution.storeName(), QueryableStoreTypes.<EndpointContainerKey, ContainerSample>windowStore());
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
