package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.EndpointStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Applies one endpoint update to {@link EndpointView#MEMBERS_STORE} and
 * {@link EndpointView#SUMMARY_STORE} and forwards the endpoint's new row, or a tombstone when its
 * last container left (only once: a leave of a container that is not there forwards nothing).
 * An update reads and writes one member and one summary; the endpoint's containers are read
 * again only when the summary cannot be updated alone (see {@link EndpointSummary#replace}).
 *
 * <p>The earliest expiry per endpoint comes from an in-memory count of its containers per expiry
 * instant, rebuilt from the members store when the task starts.
 */
final class EndpointViewProcessor implements Processor<EndpointContainerKey, EndpointUpdate, EndpointKey, EndpointStats> {

    private static final ByteArraySerializer PREFIX = new ByteArraySerializer();

    /** Per endpoint, how many of its containers expire at each instant: the earliest is the first key. */
    private final Map<EndpointKey, TreeMap<Long, Integer>> expiries = new HashMap<>();
    private ProcessorContext<EndpointKey, EndpointStats> context;
    private KeyValueStore<EndpointContainerKey, EndpointMember> members;
    private KeyValueStore<EndpointKey, EndpointSummary> summaries;

    @Override
    public void init(ProcessorContext<EndpointKey, EndpointStats> context) {
        this.context = context;
        this.members = context.getStateStore(EndpointView.MEMBERS_STORE);
        this.summaries = context.getStateStore(EndpointView.SUMMARY_STORE);
        expiries.clear();
        try (KeyValueIterator<EndpointContainerKey, EndpointMember> it = members.all()) {
            while (it.hasNext()) {
                KeyValue<EndpointContainerKey, EndpointMember> next = it.next();
                addExpiry(next.key.endpoint(), next.value.expiresAtMs());
            }
        }
    }

    @Override
    public void process(Record<EndpointContainerKey, EndpointUpdate> record) {
        EndpointContainerKey key = record.key();
        EndpointUpdate update = record.value();
        if (key == null || update == null || key.containerId() == null || !update.changesMembership()) {
            return;
        }
        EndpointKey endpoint = key.endpoint();
        EndpointMember before = members.get(key);
        EndpointSummary summary = summaries.get(endpoint);
        EndpointSummary next;
        if (update.left()) {
            if (before == null) {
                return;
            }
            members.delete(key);
            removeExpiry(endpoint, before.expiresAtMs());
            next = summary == null ? null : summary.remove(before);
        } else {
            EndpointMember after = update.member();
            members.put(key, after);
            if (before != null) {
                removeExpiry(endpoint, before.expiresAtMs());
            }
            addExpiry(endpoint, after.expiresAtMs());
            next = summary == null
                    ? before == null ? EndpointSummary.of(List.of(after), after.expiresAtMs()) : null
                    : summary.replace(before, after);
        }
        next = next == null ? recomputed(endpoint) : next.withMinExpiry(earliestExpiry(endpoint));
        if (next == null) {
            summaries.delete(endpoint);
            context.forward(new Record<EndpointKey, EndpointStats>(endpoint, null, record.timestamp()));
            return;
        }
        summaries.put(endpoint, next);
        context.forward(new Record<>(endpoint, next.toRow(endpoint.url()), record.timestamp()));
    }

    /** The summary made again from the endpoint's containers; null when none is left. */
    private EndpointSummary recomputed(EndpointKey endpoint) {
        List<EndpointMember> all = new ArrayList<>();
        try (KeyValueIterator<EndpointContainerKey, EndpointMember> it =
                     members.prefixScan(EndpointContainerKey.endpointPrefix(endpoint), PREFIX)) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        return all.isEmpty() ? null : EndpointSummary.of(all, EndpointSummary.minExpiry(all));
    }

    private long earliestExpiry(EndpointKey endpoint) {
        TreeMap<Long, Integer> times = expiries.get(endpoint);
        return times == null ? Long.MAX_VALUE : times.firstKey();
    }

    private void addExpiry(EndpointKey endpoint, long expiresAtMs) {
        expiries.computeIfAbsent(endpoint, e -> new TreeMap<>()).merge(expiresAtMs, 1, Integer::sum);
    }

    private void removeExpiry(EndpointKey endpoint, long expiresAtMs) {
        TreeMap<Long, Integer> times = expiries.get(endpoint);
        if (times == null) {
            return;
        }
        times.computeIfPresent(expiresAtMs, (time, count) -> count == 1 ? null : count - 1);
        if (times.isEmpty()) {
            expiries.remove(endpoint);
        }
    }

    static final class Supplier implements ProcessorSupplier<EndpointContainerKey, EndpointUpdate, EndpointKey, EndpointStats> {

        @Override
        public Processor<EndpointContainerKey, EndpointUpdate, EndpointKey, EndpointStats> get() {
            return new EndpointViewProcessor();
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(EndpointView.membersStore(), EndpointView.summaryStore());
        }
    }
}
