package io.servingmonitor.query;

import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Which instance holds which partition of a store. Every method may throw
 * {@link StoreReads.TransientReadException} while the owners are not known (yet), or an
 * {@code InvalidStateStoreException}, both retried by {@link StoreReads}.
 */
public interface StoreLocator {

    /** This instance, as the others know it. */
    HostInfo self();

    /** The partition of {@code store} (keyed by endpoint) that holds {@code key}, and its owners. */
    PartitionLocation locateKey(String store, EndpointKey key);

    /** The partition of {@code store} (keyed by container) that holds {@code key}, and its owners. */
    PartitionLocation locateKey(String store, ContainerKey key);

    /** Every partition of {@code store}, each with its owners, by partition number. */
    List<PartitionLocation> locateAll(String store);

    /** One instance holding every store whole: every read is local. */
    static StoreLocator singleInstance() {
        HostInfo self = new HostInfo("this-instance", 0);
        PartitionLocation whole = new PartitionLocation(PartitionLocation.WHOLE_STORE, self, List.of());
        return new StoreLocator() {
            @Override
            public HostInfo self() {
                return self;
            }

            @Override
            public PartitionLocation locateKey(String store, EndpointKey key) {
                return whole;
            }

            @Override
            public PartitionLocation locateKey(String store, ContainerKey key) {
                return whole;
            }

            @Override
            public List<PartitionLocation> locateAll(String store) {
                return List.of(whole);
            }
        };
    }
}
