package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.EndpointStats;
import java.util.Set;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Applies one endpoint membership to the {@link EndpointView#STORE} and forwards the endpoint's
 * new row, or a tombstone when its last container left (only once: a leave from an endpoint
 * that is already gone forwards nothing).
 */
final class EndpointInstancesProcessor implements FixedKeyProcessor<EndpointKey, EndpointMembership, EndpointStats> {

    private FixedKeyProcessorContext<EndpointKey, EndpointStats> context;
    private KeyValueStore<EndpointKey, EndpointInstances> store;

    @Override
    public void init(FixedKeyProcessorContext<EndpointKey, EndpointStats> context) {
        this.context = context;
        this.store = context.getStateStore(EndpointView.STORE);
    }

    @Override
    public void process(FixedKeyRecord<EndpointKey, EndpointMembership> record) {
        EndpointKey key = record.key();
        EndpointMembership membership = record.value();
        if (key == null || membership == null) {
            return;
        }
        EndpointInstances before = store.get(key);
        EndpointInstances current = before == null ? EndpointInstances.EMPTY : before;
        EndpointInstances after = membership.entry() == null
                ? current.without(membership.containerId())
                : current.with(membership.entry());
        if (after.isEmpty()) {
            if (before != null) {
                store.delete(key);
                context.forward(record.withValue(null));
            }
            return;
        }
        store.put(key, after);
        context.forward(record.withValue(EndpointStats.of(key.url(), after.containers().values())));
    }

    static final class Supplier implements FixedKeyProcessorSupplier<EndpointKey, EndpointMembership, EndpointStats> {

        @Override
        public FixedKeyProcessor<EndpointKey, EndpointMembership, EndpointStats> get() {
            return new EndpointInstancesProcessor();
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(EndpointView.instancesStore());
        }
    }
}
