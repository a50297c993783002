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
import java.util.Objects;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The stores of another lookup, whose stale reads ({@link #partition partition(p, true)}) are
 * allowed only from a copy that trails its changelog by at most the {@link StandbyLagBound}: the
 * bound is checked by the instance that holds the copy, store by store, just before the store is
 * opened. A copy further behind, or any stale read with the bound at 0, fails with
 * {@link StoreReads.TransientReadException}. Reads of active copies are not checked.
 */
public final class LagBoundedStoreLookup implements StoreLookup {

    private final StoreLookup stores;
    private final StandbyLagBound bound;
    /** The partition a stale read is checked for; null: not a stale read. */
    private final Integer stalePartition;

    public LagBoundedStoreLookup(StoreLookup stores, StandbyLagBound bound) {
        this(stores, bound, null);
    }

    private LagBoundedStoreLookup(StoreLookup stores, StandbyLagBound bound, Integer stalePartition) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.bound = Objects.requireNonNull(bound, "bound");
        this.stalePartition = stalePartition;
    }

    @Override
    public ReadOnlyKeyValueStore<ContainerKey, RegistryEntry> registry() {
        check(ContainerRegistry.STORE);
        return stores.registry();
    }

    @Override
    public ReadOnlyKeyValueStore<ContainerKey, LoadingEntry> loading() {
        check(ContainerRegistry.LOADING_STORE);
        return stores.loading();
    }

    @Override
    public ReadOnlyKeyValueStore<EndpointKey, EndpointSummary> endpointSummaries() {
        check(EndpointView.SUMMARY_STORE);
        return stores.endpointSummaries();
    }

    @Override
    public ReadOnlyKeyValueStore<EndpointContainerKey, EndpointMember> endpointMembers() {
        check(EndpointView.MEMBERS_STORE);
        return stores.endpointMembers();
    }

    @Override
    public ReadOnlyWindowStore<EndpointContainerKey, ContainerSample> metrics(MetricResolution resolution) {
        check(resolution.storeName());
        return stores.metrics(resolution);
    }

    @Override
    public StoreLookup partition(int partition, boolean includeStandby) {
        return new LagBoundedStoreLookup(stores.partition(partition, includeStandby), bound,
                includeStandby ? partition : null);
    }

    private void check(String store) {
        if (stalePartition != null) {
            bound.check(store, stalePartition);
        }
    }
}
