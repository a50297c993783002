package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.EndpointContainerKey;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions records keyed by {@link EndpointContainerKey} by their endpoint alone, exactly as
 * Kafka's default partitioner places the endpoint's own {@code EndpointKey}: every container of an
 * endpoint, and the endpoint's rows and windows, share one partition, which interactive queries
 * locate with the endpoint key.
 */
public final class EndpointPartitioner<V> implements StreamPartitioner<EndpointContainerKey, V> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, EndpointContainerKey key, V value, int numPartitions) {
        return Optional.of(Set.of(partitionOf(key, numPartitions)));
    }

    /** The partition of {@code key}'s endpoint among {@code numPartitions}. */
    public static int partitionOf(EndpointContainerKey key, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(key.endpoint().encode())) % numPartitions;
    }
}
