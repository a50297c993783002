package io.servingmonitor.query;

import io.servingmonitor.api.ApiException;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.Serdes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Locates store partitions through the metadata of a running Kafka Streams instance
 * ({@code queryMetadataForKey}; every instance publishes its {@code application.server}).
 * {@link KeyQueryMetadata#NOT_AVAILABLE} or an unknown host (before the first assignment, during
 * a rebalance) is a {@link StoreReads.TransientReadException} for a key (the read is retried); in
 * {@link #locateAll} it is a partition without a known owner, so the partitions that have one can
 * be read meanwhile.
 */
public final class KafkaStreamsLocator implements StoreLocator {

    private static final Comparator<HostInfo> BY_ADDRESS = Comparator.comparing(HostInfo::host).thenComparingInt(HostInfo::port);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final Serializer<EndpointKey> endpointKeySerializer = Serdes.endpointKey().serializer();
    private final Serializer<ContainerKey> containerKeySerializer = Serdes.containerKey().serializer();

    /** @param self this instance's {@code application.server} (advertised host and HTTP port) */
    public KafkaStreamsLocator(KafkaStreams streams, HostInfo self) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.self = Objects.requireNonNull(self, "self");
    }

    @Override
    public HostInfo self() {
        return self;
    }

    /** The key's partition as the topology partitions it: the default partitioner over the serialized key. */
    @Override
    public PartitionLocation locateKey(String store, EndpointKey key) {
        return location(store, metadata(() -> streams.queryMetadataForKey(store, key, endpointKeySerializer)));
    }

    /** As for an endpoint key, with the container key's serde (the one {@code container-events} is keyed with). */
    @Override
    public PartitionLocation locateKey(String store, ContainerKey key) {
        return location(store, metadata(() -> streams.queryMetadataForKey(store, key, containerKeySerializer)));
    }

    /**
     * Every partition: each is located with a partitioner that names it; the first call also
     * learns the partition count (the partitioner is told it). A partition whose owner is not
     * known (yet) is returned {@link PartitionLocation#unowned unowned}.
     */
    @Override
    public List<PartitionLocation> locateAll(String store) {
        AtomicInteger partitions = new AtomicInteger(-1);
        KeyQueryMetadata first = metadata(() -> streams.queryMetadataForKey(store, store,
                (StreamPartitioner<Object, Object>) (topic, key, value, count) -> {
                    partitions.set(count);
                    return Optional.of(Set.of(0));
                }));
        if (partitions.get() < 1) {
            throw new StoreReads.TransientReadException("the partitions of " + store + " are not known yet");
        }
        List<PartitionLocation> all = new ArrayList<>(partitions.get());
        all.add(locationOrUnowned(store, 0, first));
        for (int p = 1; p < partitions.get(); p++) {
            int partition = p;
            all.add(locationOrUnowned(store, partition, metadata(() -> streams.queryMetadataForKey(store, store,
                    (StreamPartitioner<Object, Object>) (topic, key, value, count) -> Optional.of(Set.of(partition))))));
        }
        return all;
    }

    private static PartitionLocation locationOrUnowned(String store, int partition, KeyQueryMetadata metadata) {
        if (metadata != null && (KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || !known(metadata.activeHost()))) {
            return PartitionLocation.unowned(partition, standbys(metadata));
        }
        return location(store, metadata);
    }

    private KeyQueryMetadata metadata(Supplier<KeyQueryMetadata> query) {
        try {
            return query.get();
        } catch (IllegalStateException e) {
            // Not running or rebalancing: shutting down or failed (CREATED throws StreamsNotStartedException, retried).
            throw ApiException.unavailable("the query service is shutting down");
        }
    }

    private static PartitionLocation location(String store, KeyQueryMetadata metadata) {
        if (metadata == null) {
            throw new UnknownStateStoreException("no metadata for store " + store);
        }
        if (KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || !known(metadata.activeHost())) {
            throw new StoreReads.TransientReadException("the owner of a partition of " + store + " is not known yet");
        }
        return new PartitionLocation(metadata.partition(), metadata.activeHost(), standbys(metadata));
    }

    private static List<HostInfo> standbys(KeyQueryMetadata metadata) {
        return metadata.standbyHosts().stream()
                .filter(KafkaStreamsLocator::known)
                .sorted(BY_ADDRESS)
                .toList();
    }

    private static boolean known(HostInfo host) {
        return host != null && host.port() > 0 && !host.equals(HostInfo.unavailable());
    }
}
