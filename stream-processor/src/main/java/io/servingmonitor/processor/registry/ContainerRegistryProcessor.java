package io.servingmonitor.processor.registry;

import io.servingmonitor.processor.PoisonRecordException;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.DeadLetter;
import io.servingmonitor.topics.LoadReport;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
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
 * Each event reads and writes one small registry record (and, for a loading container, one
 * loading record), whatever the number of containers.
 *
 * <p>An event that cannot be applied (no key or value, a key naming another company or container
 * than the event, a register or report without model, a region that is not a short name) is refused with a
 * {@link PoisonRecordException} before anything is written: the record goes to the dead letters.
 * Event times are the record timestamps, as the source's extractor trusts them.
 *
 * <ul>
 *   <li>{@code REGISTER} stores the container afresh (a re-register replaces the entry): registered
 *       and last active at the event time, the event's timeout (default 600 s), ip, model and region, no load.</li>
 *   <li>{@code STATUS_REPORT} on a known container keeps its registration time, timeout and ip and
 *       replaces model, load and region (the region of the node that took the report),
 *       last active at the event time; on an unknown container it
 *       registers it with the default timeout.</li>
 *   <li>{@code UNREGISTER} removes the container at once, whatever its time.</li>
 *   <li>A register or report for a container whose timeout had passed at the event's time, but
 *       that the expiry scan has not removed yet, finds it expired: the old entry is removed
 *       (tombstone) and the event registers the container anew, exactly as after an unregister.</li>
 *   <li>Stale events: a register or report older than the entry's last activity does not change
 *       the registry, so it never goes back in time when events of one container arrive out of
 *       order (equal times apply: the later one in the log wins). A stale report still goes on to
 *       the metric windows.</li>
 *   <li>Expiry: every scan interval of wall-clock time, entries whose expiry time is at or before
 *       the expiry horizon are removed as if unregistered, in expiry order, from an in-memory
 *       queue rebuilt from the store when the task starts. The horizon is the wall clock while
 *       this partition keeps up with its input; while it works through a backlog (a restore, a
 *       failover, a burst) the horizon is its stream time, so that a container is never expired
 *       while its newer reports are still waiting to be processed.</li>
 * </ul>
 */
final class ContainerRegistryProcessor implements Processor<ContainerKey, ContainerEvent, ContainerKey, RegistryChange> {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRegistryProcessor.class);

    /**
     * A partition is keeping up while the latest event it processed was at most this old (its
     * event time against the wall clock when it was processed): beyond, it works through a backlog.
     */
    static final Duration MAX_LAG = Duration.ofSeconds(10);

    private final Duration scanInterval;
    private final TreeSet<ExpiryIndexKey> expiryQueue = new TreeSet<>();
    private ProcessorContext<ContainerKey, RegistryChange> context;
    private KeyValueStore<ContainerKey, RegistryEntry> registry;
    private KeyValueStore<ContainerKey, LoadingEntry> loading;
    private long initializedAtWallMs;
    /** Wall clock minus event time of the latest processed event; MIN_VALUE before the first. */
    private long latestLagMs;

    ContainerRegistryProcessor(Duration scanInterval) {
        this.scanInterval = scanInterval;
    }

    @Override
    public void init(ProcessorContext<ContainerKey, RegistryChange> context) {
        this.context = context;
        this.registry = context.getStateStore(ContainerRegistry.STORE);
        this.loading = context.getStateStore(ContainerRegistry.LOADING_STORE);
        // The queue is derived state: rebuilt from the (restored) store whenever the task starts.
        expiryQueue.clear();
        try (KeyValueIterator<ContainerKey, RegistryEntry> it = registry.all()) {
            while (it.hasNext()) {
                KeyValue<ContainerKey, RegistryEntry> next = it.next();
                expiryQueue.add(ExpiryIndexKey.of(next.key, next.value));
            }
        }
        initializedAtWallMs = context.currentSystemTimeMs();
        latestLagMs = Long.MIN_VALUE;
        // Wall clock, not stream time: stream time only moves with new events, and a container
        // that went silent must expire even when nothing else arrives on its partition.
        context.schedule(scanInterval, PunctuationType.WALL_CLOCK_TIME, this::expireDue);
    }

    @Override
    public void process(Record<ContainerKey, ContainerEvent> record) {
        ContainerKey key = record.key();
        if (key == null) {
            throw new PoisonRecordException(DeadLetter.Reason.BAD_KEY, "a container event without key");
        }
        if (record.value() == null) {
            throw new PoisonRecordException(DeadLetter.Reason.WRONG_SHAPE, "a container event without value");
        }
        if (!key.equals(record.value().key())) {
            // The key decides partition and tenant; an event claiming another is a producer bug.
            throw new PoisonRecordException(DeadLetter.Reason.KEY_MISMATCH,
                    "a container event whose key names another company or container than its body");
        }
        if (record.value().type() != ContainerEventType.UNREGISTER && record.value().model() == null) {
            throw new PoisonRecordException(DeadLetter.Reason.WRONG_SHAPE, "a " + record.value().type() + " without model");
        }
        String region = record.value().region();
        if (region != null && !ContainerEvent.REGION_NAME.matcher(region).matches()) {
            // Kept with the container in every store: only the short names an ingest node stamps.
            throw new PoisonRecordException(DeadLetter.Reason.WRONG_SHAPE, "a container event whose region is not a short name");
        }
        // The record timestamp is the event's time as the source's extractor trusts it (its own
        // within the allowed clock skew of the broker's append time, else the append time): every
        // time the registry keeps and forwards is that one, so windows and shown times agree.
        ContainerEvent event = record.value().at(record.timestamp());
        latestLagMs = context.currentSystemTimeMs() - event.timestampMs();
        RegistryEntry current = registry.get(key);
        if (event.type() == ContainerEventType.UNREGISTER) {
            if (current != null) {
                remove(key, current, record.timestamp());
            }
            return;
        }
        boolean report = event.type() == ContainerEventType.STATUS_REPORT;
        if (current != null && event.timestampMs() < current.lastActivityMs()) {
            LOG.debug("ignoring a stale {} at {} (last activity {})", event.type(), event.timestampMs(), current.lastActivityMs());
            if (report) {
                context.forward(new Record<>(key, RegistryChange.reportOnly(event), record.timestamp()));
            }
            return;
        }
        if (current != null && current.expiresAtMs() <= event.timestampMs()) {
            // Expired at the event's time, only not removed yet: gone first, then registered anew.
            remove(key, current, current.expiresAtMs());
            current = null;
        }
        ContainerEntry next = event.type() == ContainerEventType.REGISTER || current == null
                ? registered(event)
                : reported(key, current, event);
        put(key, current, next, report ? event : null, record.timestamp());
    }

    /** A fresh entry: from a register, or from the first report of an unknown container. */
    private static ContainerEntry registered(ContainerEvent event) {
        boolean register = event.type() == ContainerEventType.REGISTER;
        int timeout = register && event.timeoutSec() != null && event.timeoutSec() > 0
                ? event.timeoutSec()
                : ContainerEntry.DEFAULT_TIMEOUT_SEC;
        LoadReport load = register ? LoadReport.EMPTY : event.load();
        return new ContainerEntry(event.company(), event.containerId(), event.model(), load, event.ip(),
                event.timestampMs(), event.timestampMs(), timeout, event.region());
    }

    /** A known container's entry after a status report. */
    private static ContainerEntry reported(ContainerKey key, RegistryEntry current, ContainerEvent event) {
        // The region is the last writer's: that of the node that took this report.
        return new ContainerEntry(key.company(), key.containerId(), event.model(), event.load(), current.ip(),
                current.registeredAtMs(), event.timestampMs(), current.timeoutSec(), event.region());
    }

    private void put(ContainerKey key, RegistryEntry current, ContainerEntry next, ContainerEvent report, long timestamp) {
        RegistryEntry stored = RegistryEntry.of(next);
        registry.put(key, stored);
        if (current == null || current.expiresAtMs() != stored.expiresAtMs()) {
            if (current != null) {
                expiryQueue.remove(ExpiryIndexKey.of(key, current));
            }
            expiryQueue.add(ExpiryIndexKey.of(key, stored));
        }
        if (next.url() == null) {
            loading.put(key, LoadingEntry.of(next));
        } else if (current != null && current.url() == null) {
            loading.delete(key);
        }
        context.forward(new Record<>(key, new RegistryChange(current, next, report), timestamp));
    }

    private void remove(ContainerKey key, RegistryEntry current, long timestamp) {
        registry.delete(key);
        expiryQueue.remove(ExpiryIndexKey.of(key, current));
        if (current.url() == null) {
            loading.delete(key);
        }
        context.forward(new Record<>(key, new RegistryChange(current, null, null), timestamp));
    }

    private void expireDue(long wallClockMs) {
        long horizon = keepingUp(wallClockMs) ? wallClockMs : Math.min(wallClockMs, context.currentStreamTimeMs());
        Iterator<ExpiryIndexKey> due = expiryQueue.iterator();
        while (due.hasNext()) {
            ExpiryIndexKey next = due.next();
            if (next.expiresAtMs() > horizon) {
                break;
            }
            due.remove();
            RegistryEntry entry = registry.get(next.container());
            if (entry != null && entry.expiresAtMs() == next.expiresAtMs()) {
                LOG.debug("expiring a container (last activity {}, timeout {} s)", entry.lastActivityMs(), entry.timeoutSec());
                // Stamped with the instant it stopped being live, not with the scan time.
                registry.delete(next.container());
                if (entry.url() == null) {
                    loading.delete(next.container());
                }
                context.forward(new Record<>(next.container(), new RegistryChange(entry, null, null), entry.expiresAtMs()));
            }
        }
    }

    /**
     * Whether this partition keeps up with its input: its latest event was recent when processed.
     * Before any event, a task that has just started may still be catching up; after a scan
     * interval's worth of {@link #MAX_LAG} with nothing to process, it has caught up.
     */
    private boolean keepingUp(long wallClockMs) {
        if (latestLagMs == Long.MIN_VALUE) {
            return wallClockMs - initializedAtWallMs >= MAX_LAG.toMillis();
        }
        return latestLagMs <= MAX_LAG.toMillis();
    }

    /** Supplies the processor together with its stores. */
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
            return Set.of(ContainerRegistry.registryStore(), ContainerRegistry.loadingStore());
        }
    }
}
