package io.servingmonitor.query;

import io.servingmonitor.processor.RestoreProgress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far behind its changelog a copy of a store partition on this instance may be and still
 * answer a stale read (a standby copy, or an active one still restoring), in offsets behind the
 * changelog's end as Kafka Streams measures it ({@link KafkaStreams#allLocalStorePartitionLags()}).
 * A bound of 0 disables stale reads altogether.
 *
 * <p>A copy is trusted only once it has caught up since it was first seen here: its position has
 * reached the changelog end measured when it was first seen (a standby just placed on this
 * instance, or one restoring after a restart, may be far behind while its lag in offsets is small:
 * on a changelog shorter than the bound an empty copy would pass). From then on a lag within the
 * bound means the copy misses at most that many of the newest changelog records. A copy that
 * leaves this instance and comes back is new again.
 *
 * <p>Kafka Streams reports a position of 0 both for a copy that has applied nothing yet and for
 * one that applied the record at offset 0: at 0, a copy counts as caught up only once it was told
 * to have applied a batch since it was placed ({@link #copyLoaded}), or when its changelog is empty.
 *
 * <p>Trust lasts only while the copy is watched without a break. A copy placed here again (a
 * standby that starts updating, an active that starts restoring: {@link #copyPlaced}, told by
 * Kafka Streams' listeners) is new again, even if no measurement saw it gone: it may restore from
 * an old checkpoint and be far behind while its lag in offsets looks small. A measurement begun
 * before such a placement does not count for the new copy. And when no measurement was taken for
 * longer than {@link #TRUST_GAP_REFRESHES} refresh periods (lags are measured only while stale reads
 * are asked for), every copy is new again: it may have left and come back unseen meanwhile.
 *
 * <p>The lags are asked of Kafka Streams at most once per {@code refresh}, on a thread of their
 * own (each ask is a call to the brokers, which Kafka Streams advises to make only every few
 * seconds); a check uses lags up to twice that old, and fails (transient) while none that recent
 * is known.
 */
public final class StandbyLagBound implements RestoreProgress.CopyObserver {

    private static final Logger LOG = LoggerFactory.getLogger(StandbyLagBound.class);
    /** Offsets a standby may trail its changelog by default: a few seconds of a busy partition. */
    public static final long DEFAULT_MAX_LAG = 10_000;
    /**
     * Offsets a copy may stay short of the end it first saw and count as caught up: the end is the
     * next offset to be written and, under exactly-once, follows a commit marker that holds no data.
     */
    static final long CATCH_UP_SLACK = 2;
    /** Measurements further apart than this many refresh periods end the trust of every copy. */
    static final int TRUST_GAP_REFRESHES = 3;
    /** How long one measurement of the lags is used. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(1);

    private final long maxLag;
    private final Supplier<Map<String, Map<Integer, CopyPosition>>> measure;
    private final long refreshNanos;
    private final LongSupplier nanoTime;
    private final Object lock = new Object();
    private Map<String, Map<Integer, CopyPosition>> lags;
    /** Per store and partition: the changelog end when the copy was first seen, until it is caught up (then removed). */
    private final Map<String, Map<Integer, Long>> catchingUpTo = new HashMap<>();
    private final Map<String, Set<Integer>> trusted = new HashMap<>();
    /** Per store: the partitions whose copy here applied a changelog batch since it was placed ({@link #copyLoaded}). */
    private final Map<String, Set<Integer>> loaded = new HashMap<>();
    /** Per store and partition: the {@link #placements} count when the copy was last placed here. */
    private final Map<String, Map<Integer, Long>> placedAt = new HashMap<>();
    /** How many placements were told: a measurement begun at count n says nothing of a copy placed later. */
    private long placements;
    private long measuredAtNanos;
    private boolean measuring;

    /**
     * @param maxLag   the most offsets a copy may trail; 0 disables stale reads
     * @param measure  the positions of every local store partition's copy: store name -> partition -> position
     * @param refresh  how long one measurement is used; zero: measured on every check, on the
     *                 checking thread (for a source that needs no remote call)
     * @param nanoTime the clock of {@code refresh} ({@code System::nanoTime}, except in tests)
     */
    public StandbyLagBound(long maxLag, Supplier<Map<String, Map<Integer, CopyPosition>>> measure, Duration refresh,
                           LongSupplier nanoTime) {
        if (maxLag < 0) {
            throw new IllegalArgumentException("the standby lag bound must not be negative");
        }
        this.maxLag = maxLag;
        this.measure = Objects.requireNonNull(measure, "measure");
        this.refreshNanos = refresh.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The bound over the local store partitions of {@code streams}, measured at most every {@link #DEFAULT_REFRESH}. */
    public static StandbyLagBound of(KafkaStreams streams, long maxLag) {
        return new StandbyLagBound(maxLag, () -> positions(streams.allLocalStorePartitionLags()), DEFAULT_REFRESH,
                System::nanoTime);
    }

    /** No stale reads at all. */
    public static StandbyLagBound disabled() {
        return new StandbyLagBound(0, Map::of, DEFAULT_REFRESH, System::nanoTime);
    }

    public long maxLag() {
        return maxLag;
    }

    /** Whether stale reads may be made at all (the bound is not 0). */
    public boolean staleReadsAllowed() {
        return maxLag > 0;
    }

    /**
     * Tells that a copy of {@code partition} of {@code store} was (re)placed on this instance: a
     * standby starts updating or an active starts restoring. It is untrusted until a measurement
     * begun after this shows it caught up.
     */
    @Override
    public void copyPlaced(String store, int partition) {
        synchronized (lock) {
            placements++;
            placedAt.computeIfAbsent(store, s -> new HashMap<>()).put(partition, placements);
            trusted.getOrDefault(store, new HashSet<>()).remove(partition);
            catchingUpTo.getOrDefault(store, new HashMap<>()).remove(partition);
            loaded.getOrDefault(store, new HashSet<>()).remove(partition);
        }
    }

    /**
     * Tells that the copy of {@code partition} of {@code store} here applied a batch of its
     * changelog since it was placed (a standby's update, an active's restore). Only then does a
     * position of 0 say the copy holds the record at offset 0: Kafka Streams reports 0 as well
     * for a copy that has applied nothing yet.
     */
    @Override
    public void copyLoaded(String store, int partition) {
        synchronized (lock) {
            loaded.computeIfAbsent(store, s -> new HashSet<>()).add(partition);
        }
    }

    /**
     * Passes when this instance holds a copy of {@code partition} of {@code store} that trails its
     * changelog by at most the bound; otherwise a {@link StoreReads.TransientReadException} (the
     * caller asks again later, or another copy).
     */
    public void check(String store, int partition) {
        if (!staleReadsAllowed()) {
            throw new StoreReads.TransientReadException("stale reads are disabled (--max-standby-lag 0)");
        }
        CopyPosition position;
        boolean caughtUp;
        synchronized (lock) {
            position = current().getOrDefault(store, Map.of()).get(partition);
            caughtUp = trusted.getOrDefault(store, Set.of()).contains(partition);
        }
        if (position == null) {
            throw new StoreReads.TransientReadException("no copy of " + store + " partition " + partition + " here");
        }
        if (!caughtUp) {
            throw new StoreReads.TransientReadException("the copy of " + store + " partition " + partition
                    + " here has not caught up since it was placed here");
        }
        long lag = position.lag();
        if (lag > maxLag) {
            throw new StoreReads.TransientReadException("the copy of " + store + " partition " + partition
                    + " here is " + lag + " offsets behind its changelog, more than " + maxLag);
        }
    }

    /**
     * The latest measurement when it is younger than twice the refresh period. An older one is
     * measured again on a thread of its own (one at a time: a measurement is a call to the brokers,
     * which may take long when they do not answer), and meanwhile the check fails (transient: the
     * read is tried again, by then with a measurement); a read thread never waits for the brokers.
     * The caller holds the lock.
     */
    private Map<String, Map<Integer, CopyPosition>> current() {
        if (refreshNanos == 0) {
            try {
                accept(measure.get(), placements);
                return lags;
            } catch (RuntimeException e) {
                throw new StoreReads.TransientReadException("the lags of the local stores are not known: " + e, e);
            }
        }
        long now = nanoTime.getAsLong();
        if (lags != null && now - measuredAtNanos < refreshNanos) {
            return lags;
        }
        if (!measuring) {
            measuring = true;
            Thread thread = new Thread(this::measureNow, "standby-lags");
            thread.setDaemon(true);
            thread.start();
        }
        if (lags != null && now - measuredAtNanos < 2 * refreshNanos) {
            return lags;
        }
        throw new StoreReads.TransientReadException("the lags of the local stores are being measured");
    }

    private void measureNow() {
        Map<String, Map<Integer, CopyPosition>> measured = null;
        long placementsBefore;
        synchronized (lock) {
            placementsBefore = placements;
        }
        try {
            measured = measure.get();
        } catch (RuntimeException e) {
            // Brokers not answering, instance not running: no copy can be trusted until a measurement succeeds.
            LOG.debug("could not measure the lags of the local stores: {}", e.toString());
        }
        synchronized (lock) {
            if (measured != null) {
                long now = nanoTime.getAsLong();
                if (lags != null && now - measuredAtNanos > TRUST_GAP_REFRESHES * refreshNanos) {
                    // Unwatched meanwhile: a copy may have left and come back, restoring from an old checkpoint.
                    trusted.clear();
                    catchingUpTo.clear();
                }
                accept(measured, placementsBefore);
                measuredAtNanos = now;
            }
            measuring = false;
        }
    }

    /**
     * Takes a measurement (under the lock) begun when {@code placementsBefore} placements had been
     * told: which copies are new, which have caught up, which left. A copy placed after the
     * measurement began is left for the next one.
     */
    private void accept(Map<String, Map<Integer, CopyPosition>> measured, long placementsBefore) {
        synchronized (lock) {
            catchingUpTo.keySet().retainAll(measured.keySet());
            trusted.keySet().retainAll(measured.keySet());
            measured.forEach((store, partitions) -> {
                Map<Integer, Long> catching = catchingUpTo.computeIfAbsent(store, s -> new HashMap<>());
                Set<Integer> caughtUp = trusted.computeIfAbsent(store, s -> new HashSet<>());
                catching.keySet().retainAll(partitions.keySet());
                caughtUp.retainAll(partitions.keySet());
                Map<Integer, Long> placed = placedAt.getOrDefault(store, Map.of());
                partitions.forEach((partition, position) -> {
                    if (caughtUp.contains(partition) || placed.getOrDefault(partition, 0L) > placementsBefore) {
                        return;
                    }
                    long target = catching.computeIfAbsent(partition, p -> position.end());
                    // Position 0 is also what a copy that applied nothing yet reports: on a changelog
                    // of one record and its commit marker it would pass the slack while empty.
                    boolean holdsSomething = position.current() > 0 || target == 0
                            || loaded.getOrDefault(store, Set.of()).contains(partition);
                    if (holdsSomething && position.current() + CATCH_UP_SLACK >= target) {
                        catching.remove(partition);
                        caughtUp.add(partition);
                        LOG.info("the copy of {} partition {} here caught up (at {}, changelog end {})", store, partition,
                                position.current(), position.end());
                    }
                });
            });
            lags = measured;
        }
    }

    private static Map<String, Map<Integer, CopyPosition>> positions(Map<String, Map<Integer, LagInfo>> lags) {
        Map<String, Map<Integer, CopyPosition>> positions = new HashMap<>();
        lags.forEach((store, partitions) -> {
            Map<Integer, CopyPosition> byPartition = new HashMap<>();
            partitions.forEach((partition, info) -> byPartition.put(partition,
                    new CopyPosition(info.currentOffsetPosition(), info.endOffsetPosition())));
            positions.put(store, byPartition);
        });
        return positions;
    }

    /**
     * Where a local copy of a store partition is in its changelog.
     *
     * @param current the offset up to which the copy has applied the changelog
     * @param end     the changelog's end offset on the brokers
     */
    public record CopyPosition(long current, long end) {
        /** Offsets the copy is behind the changelog's end. */
        public long lag() {
            return Math.max(0, end - current);
        }
    }
}
