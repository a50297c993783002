package io.servingmonitor.query;

import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where one partition of a store lives: the instance with its active copy and the instances with
 * standby copies (host:port of their HTTP endpoint, {@code application.server}).
 *
 * @param partition the partition, or {@link #WHOLE_STORE} when one instance holds all of the store
 *                  (a single instance without Kafka metadata)
 * @param active    the instance with the active copy; null while it is not known (a rebalance)
 */
public record PartitionLocation(int partition, HostInfo active, List<HostInfo> standbys) {

    /** The "partition" of a store that is not split: read it whole. */
    public static final int WHOLE_STORE = -1;

    public PartitionLocation {
        standbys = List.copyOf(Objects.requireNonNull(standbys, "standbys"));
    }

    /** A partition whose active owner is not known right now. */
    public static PartitionLocation unowned(int partition, List<HostInfo> standbys) {
        return new PartitionLocation(partition, null, standbys);
    }

    /** Whether the instance with the active copy is known. */
    public boolean hasActive() {
        return active != null;
    }
}
