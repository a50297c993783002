package io.servingmonitor.processor;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StandbyUpdateListener;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Kafka Streams restores on this instance, for the people who watch it start and for the
 * reads that must not trust a copy that is being rebuilt.
 *
 * <ul>
 *   <li>Progress lines, per store (not per partition: a store has one per partition of its
 *       topic): when its first partition starts restoring, {@code restoring N of M records} at
 *       most every {@link #PROGRESS_EVERY} while any still restores, and a line when the last one
 *       ends with the records and the time it took.
 *   <li>Placements: every copy of a store partition placed here anew, a standby that starts
 *       updating or an active that starts restoring (a standby promoted to active here too: being
 *       active, its copy is read as the active one, not trusted as a stale one), is told to the
 *       {@link #observeCopies observers}, e.g. the lag bound of stale reads, which stops trusting
 *       that copy until it has caught up again.
 * </ul>
 *
 * <p>Kafka Streams calls these from its restore (state updater) threads; each call takes one lock
 * briefly.
 */
public final class RestoreProgress implements StateRestoreListener, StandbyUpdateListener {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreProgress.class);
    /** How often a store still restoring says how far it got. */
    public static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    /** Told of the copies of store partitions on this instance. */
    public interface CopyObserver {
        /** A copy of {@code partition} of {@code store} placed here anew (it may be empty, or hold an old checkpoint). */
        void copyPlaced(String store, int partition);

        /** That copy applied a batch of its changelog (a standby's update or an active's restore). */
        void copyLoaded(String store, int partition);
    }

    /** One store's restoration on this instance, from its first partition's start to its last one's end. */
    private static final class StoreRestore {
        final long startedNanos;
        final Map<Integer, Long> partitionsLeft = new HashMap<>();
        long total;
        long restored;
        int partitions;
        long reportedNanos;

        StoreRestore(long startedNanos) {
            this.startedNanos = startedNanos;
            this.reportedNanos = startedNanos;
        }
    }

    private final List<CopyObserver> observers = new CopyOnWriteArrayList<>();
    private final Map<String, StoreRestore> restoring = new HashMap<>();
    private final LongSupplier nanoTime;
    private long restoredRecords;

    public RestoreProgress() {
        this(System::nanoTime);
    }

    RestoreProgress(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Adds an observer of the copies; add them before Kafka Streams starts, not to miss one. */
    public void observeCopies(CopyObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    /** The changelog records restored into the active stores of this instance since it started, all stores together. */
    public synchronized long restoredRecords() {
        return restoredRecords;
    }

    /** Whether some partition of some store is restoring on this instance now. */
    public synchronized boolean restoring() {
        return !restoring.isEmpty();
    }

    @Override
    public void onRestoreStart(TopicPartition changelog, String store, long startingOffset, long endingOffset) {
        synchronized (this) {
            long now = nanoTime.getAsLong();
            StoreRestore restore = restoring.get(store);
            if (restore == null) {
                restore = new StoreRestore(now);
                restoring.put(store, restore);
                LOG.info("restoring store {} from its changelog", store);
            }
            long records = Math.max(0, endingOffset - startingOffset);
            restore.partitionsLeft.put(changelog.partition(), records);
            restore.total += records;
            restore.partitions++;
        }
        observers.forEach(observer -> observer.copyPlaced(store, changelog.partition()));
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String store, long batchEndOffset, long numRestored) {
        if (numRestored > 0) {
            observers.forEach(observer -> observer.copyLoaded(store, changelog.partition()));
        }
        synchronized (this) {
            restoredRecords += numRestored;
            StoreRestore restore = restoring.get(store);
            if (restore == null) {
                return;
            }
            restore.restored += numRestored;
            long now = nanoTime.getAsLong();
            if (now - restore.reportedNanos >= PROGRESS_EVERY.toNanos()) {
                restore.reportedNanos = now;
                LOG.info("restoring store {}: {} of {} records, {} of {} partitions left", store, restore.restored,
                        restore.total, restore.partitionsLeft.size(), restore.partitions);
            }
        }
    }

    @Override
    public void onRestoreEnd(TopicPartition changelog, String store, long totalRestored) {
        ended(changelog, store, "restored");
    }

    @Override
    public void onRestoreSuspended(TopicPartition changelog, String store, long totalRestored) {
        ended(changelog, store, "stopped restoring (its partitions moved)");
    }

    private synchronized void ended(TopicPartition changelog, String store, String how) {
        StoreRestore restore = restoring.get(store);
        if (restore == null || restore.partitionsLeft.remove(changelog.partition()) == null) {
            return;
        }
        if (restore.partitionsLeft.isEmpty()) {
            restoring.remove(store);
            LOG.info("{} store {}: {} records of {} partitions in {} ms", how, store, restore.restored,
                    restore.partitions, Duration.ofNanos(nanoTime.getAsLong() - restore.startedNanos).toMillis());
        }
    }

    @Override
    public void onUpdateStart(TopicPartition changelog, String store, long startingOffset) {
        observers.forEach(observer -> observer.copyPlaced(store, changelog.partition()));
    }

    @Override
    public void onBatchLoaded(TopicPartition changelog, String store, TaskId taskId, long batchEndOffset,
                              long batchSize, long currentEndOffset) {
        // Standbys update for as long as they live: no progress lines for them.
        if (batchSize > 0) {
            observers.forEach(observer -> observer.copyLoaded(store, changelog.partition()));
        }
    }

    @Override
    public void onUpdateSuspended(TopicPartition changelog, String store, long storeOffset, long currentEndOffset,
                                  SuspendReason reason) {
        // Moved away or promoted: the lag bound sees the copy gone or placed again.
    }
}
