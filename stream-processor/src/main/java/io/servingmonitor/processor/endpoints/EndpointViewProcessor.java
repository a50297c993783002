package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.EndpointStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
 * <p>The earliest expiry per endpoint comes from an in-memory index of (endpoint, expiry,
 * container), rebuilt from the members store when the task starts.
 */
final class EndpointViewProcessor implements Processor<EndpointContainerKey, EndpointUpdate, EndpointKey, EndpointStats> {

    private static final ByteArraySerializer PREFIX = new ByteArraySerializer();

    /** One container's expiry, ordered by endpoint, then expiry, then container id. */
    private record Expiry(String company, String url, long expiresAtMs, String containerId) implements Comparable<Expiry> {

        @Override
        public int compareTo(Expiry other) {
            int c = company.compareTo(other.company);
            if (c == 0) {
                c = url.compareTo(other.url);
            }
            if (c == 0) {
                c = Long.compare(expiresAtMs, other.expiresAtMs);
            }
            return c != 0 ? c : containerId.compareTo(other.containerId);
        }

        static Expiry of(EndpointContainerKey key, EndpointMember member) {
            return new Expiry(key.company(), key.url(), member.expiresAtMs(), key.containerId());
        }
    }

    private final TreeSet<Expiry> expiries = new TreeSet<>();
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
                expiries.add(Expiry.of(next.key, next.value));
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
            expiries.remove(Expiry.of(key, before));
            next = summary == null ? null : summary.remove(before);
        } else {
            EndpointMember after = update.member();
            members.put(key, after);
            if (before != null) {
                expiries.remove(Expiry.of(key, before));
            }
            expiries.add(Expiry.of(key, after));
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
        Expiry first = expiries.ceiling(new Expiry(endpoint.company(), endpoint.url(), Long.MIN_VALUE, ""));
        return first != null && first.company().equals(endpoint.company()) && first.url().equals(endpoint.url())
                ? first.expiresAtMs()
                : Long.MAX_VALUE;
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
