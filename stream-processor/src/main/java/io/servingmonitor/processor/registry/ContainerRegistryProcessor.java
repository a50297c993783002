package io.servingmonitor.processor.registry;

import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.LoadReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies container events to the registry and expires silent containers; forwards every change.
 *
 * <ul>
 *   <li>{@code REGISTER} stores the container afresh (a re-register replaces the entry): registered
 *       and last active at the event time, the event's timeout (default 600 s), ip and model, no load.</li>
 *   <li>{@code STATUS_REPORT} on a known container keeps its registration time, timeout and ip and
 *       replaces model and load, last active at the event time; on an unknown container it
 *       registers it with the default timeout.</li>
 *   <li>{@code UNREGISTER} removes the container at once, whatever its time.</li>
 *   <li>Stale events: a register or report older than the entry's last activity is ignored, so
 *       the registry never goes back in time when events of one container arrive out of order
 *       (equal times apply: the later one in the log wins).</li>
 *   <li>Expiry: every scan interval of wall-clock time, entries whose expiry time is at or before
 *       the punctuation time are removed as if unregistered. Only due entries of the expiry index
 *       are read, in expiry order.</li>
 * </ul>
 */
final class ContainerRegistryProcessor implements Processor<ContainerKey, ContainerEvent, ContainerKey, RegistryChange> {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRegistryProcessor.class);

    /** The expiry index holds keys only; a non-null value because null would delete. */
    private static final byte[] INDEXED = new byte[0];

    private final Duration scanInterval;
    private ProcessorContext<ContainerKey, RegistryChange> context;
    private KeyValueStore<ContainerKey, ContainerEntry> registry;
    private KeyValueStore<ExpiryIndexKey, byte[]> expiryIndex;

    ContainerRegistryProcessor(Duration scanInterval) {
        this.scanInterval = scanInterval;
    }

    @Override
    public void init(ProcessorContext<ContainerKey, RegistryChange> context) {
        this.context = context;
        this.registry = context.getStateStore(ContainerRegistry.STORE);
        this.expiryIndex = context.getStateStore(ContainerRegistry.EXPIRY_INDEX_STORE);
        // Wall clock, not stream time: stream time only moves with new events, and a container
        // that went silent must expire even when nothing else arrives on its partition.
        context.schedule(scanInterval, PunctuationType.WALL_CLOCK_TIME, this::expireDue);
    }

    @Override
    public void process(Record<ContainerKey, ContainerEvent> record) {
        ContainerKey key = record.key();
        ContainerEvent event = record.value();
        if (key == null || event == null) {
            LOG.warn("skipping a container event without key or value: key={}", key);
            return;
        }
        if (!key.equals(event.key())) {
            // The key decides partition and tenant; an event claiming another is a producer bug.
            LOG.warn("skipping a container event whose key {} does not match its body {}", key, event.key());
            return;
        }
        ContainerEntry current = registry.get(key);
        if (event.type() == ContainerEventType.UNREGISTER) {
            if (current != null) {
                remove(current, record.timestamp());
            }
            return;
        }
        if (event.model() == null) {
            LOG.warn("skipping a {} of {} without model", event.type(), key);
            return;
        }
        if (current != null && event.timestampMs() < current.lastActivityMs()) {
            LOG.debug("ignoring a stale {} of {} at {} (last activity {})", event.type(), key, event.timestampMs(),
                    current.lastActivityMs());
            return;
        }
        ContainerEntry next = event.type() == ContainerEventType.REGISTER || current == null
                ? registered(event)
                : reported(current, event);
        put(current, next, record.timestamp());
    }

    /** A fresh entry: from a register, or from the first report of an unknown container. */
    private static ContainerEntry registered(ContainerEvent event) {
        boolean register = event.type() == ContainerEventType.REGISTER;
        int timeout = register && event.timeoutSec() != null && event.timeoutSec() > 0
                ? event.timeoutSec()
                : ContainerEntry.DEFAULT_TIMEOUT_SEC;
        LoadReport load = register ? LoadReport.EMPTY : event.load();
        return new ContainerEntry(event.company(), event.containerId(), event.model(), load, event.ip(),
                event.timestampMs(), event.timestampMs(), timeout);
    }

    /** A known container's entry after a status report. */
    private static ContainerEntry reported(ContainerEntry current, ContainerEvent event) {
        return new ContainerEntry(current.company(), current.containerId(), event.model(), event.load(), current.ip(),
                current.registeredAtMs(), event.timestampMs(), current.timeoutSec());
    }

    private void put(ContainerEntry current, ContainerEntry next, long timestamp) {
        ContainerKey key = next.key();
        registry.put(key, next);
        if (current == null || current.expiresAtMs() != next.expiresAtMs()) {
            if (current != null) {
                expiryIndex.delete(ExpiryIndexKey.of(current));
            }
            expiryIndex.put(ExpiryIndexKey.of(next), INDEXED);
        }
        context.forward(new Record<>(key, new RegistryChange(current, next), timestamp));
    }

    private void remove(ContainerEntry current, long timestamp) {
        registry.delete(current.key());
        expiryIndex.delete(ExpiryIndexKey.of(current));
        context.forward(new Record<>(current.key(), new RegistryChange(current, null), timestamp));
    }

    private void expireDue(long nowMs) {
        // Collect first, then delete: the store is not modified while its iterator is open.
        List<ExpiryIndexKey> due = new ArrayList<>();
        try (KeyValueIterator<ExpiryIndexKey, byte[]> it = expiryIndex.all()) {
            while (it.hasNext()) {
                ExpiryIndexKey next = it.next().key;
                if (next.expiresAtMs() > nowMs) {
                    break;
                }
                due.add(next);
            }
        }
        for (ExpiryIndexKey indexKey : due) {
            ContainerEntry entry = registry.get(indexKey.container());
            if (entry != null && entry.expiresAtMs() <= nowMs) {
                LOG.debug("expiring {} (last activity {}, timeout {} s)", entry.key(), entry.lastActivityMs(), entry.timeoutSec());
                // Stamped with the instant it stopped being live, not with the scan time.
                remove(entry, entry.expiresAtMs());
            }
            // An index entry not matching a current expiry time would be left over; drop it either way.
            expiryIndex.delete(indexKey);
        }
    }

    /** Supplies the processor together with its two stores. */
    static final class Supplier implements ProcessorSupplier<ContainerKey, ContainerEvent, ContainerKey, RegistryChange> {

        private final Duration scanInterval;

        Supplier(Duration scanInterval) {
            this.scanInterval = scanInterval;
        }

        @Override
        public Processor<ContainerKey, ContainerEvent, ContainerKey, RegistryChange> get() {
            return new ContainerRegistryProcessor(scanInterval);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(ContainerRegistry.registryStore(), ContainerRegistry.expiryIndexStore());
        }
    }
}
