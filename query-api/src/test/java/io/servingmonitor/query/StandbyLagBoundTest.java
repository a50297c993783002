package io.servingmonitor.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lag bound of stale reads, over lags the test sets (as Kafka Streams' allLocalStorePartitionLags reports them). */
class StandbyLagBoundTest {

    private static final String STORE = "endpoint-summaries";

    private final Map<String, Map<Integer, StandbyLagBound.CopyPosition>> lags = new ConcurrentHashMap<>();

    private void position(int partition, long current, long end) {
        lags.computeIfAbsent(STORE, s -> new ConcurrentHashMap<>()).put(partition, new StandbyLagBound.CopyPosition(current, end));
    }

    /** A copy that caught up with its changelog at 1000 and is now {@code lag} behind an end that moved on. */
    private void lag(StandbyLagBound bound, int partition, long lag) {
        position(partition, 1000, 1000);
        bound.check(STORE, partition);
        position(partition, 1000, 1000 + lag);
    }

    @Test
    void aCopyWithinTheBoundPassesAndOneFurtherBehindIsRefusedAsTransient() {
        StandbyLagBound bound = new StandbyLagBound(100, () -> lags, Duration.ZERO, System::nanoTime);
        lag(bound, 0, 100);
        lag(bound, 1, 101);

        assertThatCode(() -> bound.check(STORE, 0)).doesNotThrowAnyException();
        assertThatThrownBy(() -> bound.check(STORE, 1)).isInstanceOf(StoreReads.TransientReadException.class)
                .hasMessageContaining("101 offsets behind");
    }

    @Test
    void aCopyFirstSeenBehindIsRefusedUntilItReachesTheEndItFirstSawThoughItsLagIsWithinTheBound() {
        StandbyLagBound bound = new StandbyLagBound(100, () -> lags, Duration.ZERO, System::nanoTime);
        // Just placed here, empty, on a changelog of 40 records: 40 behind, within the bound, yet it holds nothing.
        position(0, 0, 40);
        assertThatThrownBy(() -> bound.check(STORE, 0)).hasMessageContaining("has not caught up");

        position(0, 37, 45);
        assertThatThrownBy(() -> bound.check(STORE, 0)).hasMessageContaining("has not caught up");

        // Two short of the end first seen: its next offset and a commit marker hold no data.
        position(0, 38, 45);
        assertThatCode(() -> bound.check(STORE, 0)).doesNotThrowAnyException();

        // Gone from this instance and placed here again: new again.
        lags.get(STORE).remove(0);
        assertThatThrownBy(() -> bound.check(STORE, 0)).isInstanceOf(StoreReads.TransientReadException.class);
        position(0, 10, 50);
        assertThatThrownBy(() -> bound.check(STORE, 0)).hasMessageContaining("has not caught up");
    }

    @Test
    void aPartitionWithoutACopyHereIsRefused() {
        StandbyLagBound bound = new StandbyLagBound(100, () -> lags, Duration.ZERO, System::nanoTime);
        lag(bound, 0, 0);

        assertThatThrownBy(() -> bound.check(STORE, 5)).isInstanceOf(StoreReads.TransientReadException.class);
        assertThatThrownBy(() -> bound.check("endpoint-members", 0)).isInstanceOf(StoreReads.TransientReadException.class);
    }

    @Test
    void zeroDisablesStaleReadsEvenOfACopyThatIsUpToDate() {
        StandbyLagBound bound = new StandbyLagBound(0, () -> lags, Duration.ZERO, System::nanoTime);
        position(0, 1000, 1000);

        assertThat(bound.staleReadsAllowed()).isFalse();
        assertThatThrownBy(() -> bound.check(STORE, 0)).isInstanceOf(StoreReads.TransientReadException.class)
                .hasMessageContaining("disabled");
    }

    @Test
    void lagsAreMeasuredOffTheCheckingThreadAtMostOncePerRefreshAndUsedUntilTwiceThatOld() throws InterruptedException {
        AtomicInteger measured = new AtomicInteger();
        AtomicLong now = new AtomicLong(0);
        StandbyLagBound bound = new StandbyLagBound(100, () -> {
            measured.incrementAndGet();
            return lags;
        }, Duration.ofSeconds(1), now::get);
        position(0, 1000, 1000);

        // Nothing measured yet: refused at once, the measurement runs meanwhile.
        assertThatThrownBy(() -> bound.check(STORE, 0)).isInstanceOf(StoreReads.TransientReadException.class);
        awaitPass(bound);
        assertThat(measured).hasValue(1);

        now.set(Duration.ofMillis(900).toNanos());
        bound.check(STORE, 0);
        assertThat(measured).as("still fresh").hasValue(1);

        position(0, 1000, 2000);
        now.set(Duration.ofMillis(1_500).toNanos());
        // Older than the refresh: measured again in the background; the last figures serve until the new ones arrive.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String refusal = null;
        while (refusal == null) {
            try {
                bound.check(STORE, 0);
            } catch (StoreReads.TransientReadException e) {
                refusal = e.getMessage();
            }
            assertThat(System.nanoTime()).as("the new lag is seen").isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(refusal).contains("1000 offsets behind");
        assertThat(measured).hasValue(2);
    }

    @Test
    void aMeasurementThatFailsRefusesStaleReadsUntilOneSucceeds() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        StandbyLagBound bound = new StandbyLagBound(100, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("KafkaStreams is not running");
            }
            return lags;
        }, Duration.ofMillis(50), System::nanoTime);
        position(0, 1000, 1000);

        assertThatThrownBy(() -> bound.check(STORE, 0)).isInstanceOf(StoreReads.TransientReadException.class);
        awaitPass(bound);
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aCopyPlacedHereAgainIsRefusedUntilItCatchesUpThoughNoMeasurementSawItGone() {
        StandbyLagBound bound = new StandbyLagBound(100, () -> lags, Duration.ZERO, System::nanoTime);
        lag(bound, 0, 0);
        assertThatCode(() -> bound.check(STORE, 0)).doesNotThrowAnyException();

        // It left and came back between two measurements, restoring from an old checkpoint: 30 behind, within the bound.
        bound.copyPlaced(STORE, 0);
        position(0, 1000, 1030);
        assertThatThrownBy(() -> bound.check(STORE, 0)).hasMessageContaining("has not caught up");

        position(0, 1029, 1040);
        assertThatCode(() -> bound.check(STORE, 0)).doesNotThrowAnyException();
    }

    @Test
    void aCopyAtPositionZeroOfAOneRecordChangelogIsTrustedOnlyOnceItHasLoadedABatchSincePlaced() {
        StandbyLagBound bound = new StandbyLagBound(100, () -> lags, Duration.ZERO, System::nanoTime);
        // One record at offset 0 and its commit marker: end 2. Kafka Streams says 0 for an empty copy too.
        bound.copyPlaced(STORE, 0);
        position(0, 0, 2);
        assertThatThrownBy(() -> bound.check(STORE, 0)).hasMessageContaining("has not caught up");

        bound.copyLoaded(STORE, 0);
        assertThatCode(() -> bound.check(STORE, 0)).doesNotThrowAnyException();

        // Placed again: what it loaded before does not count.
        bound.copyPlaced(STORE, 0);
        assertThatThrownBy(() -> bound.check(STORE, 0)).hasMessageContaining("has not caught up");

        // An empty changelog: nothing to hold, trusted at 0.
        position(1, 0, 0);
        assertThatCode(() -> bound.check(STORE, 1)).doesNotThrowAnyException();
    }

    @Test
    void aMeasurementBegunBeforeACopyWasPlacedDoesNotMakeItTrusted() throws InterruptedException {
        java.util.concurrent.CountDownLatch measuring = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch placed = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        StandbyLagBound bound = new StandbyLagBound(100, () -> {
            if (calls.incrementAndGet() == 1) {
                // The old copy, caught up, as positions were read; then the copy is placed anew.
                Map<String, Map<Integer, StandbyLagBound.CopyPosition>> old =
                        Map.of(STORE, Map.of(0, new StandbyLagBound.CopyPosition(1000, 1000)));
                measuring.countDown();
                try {
                    placed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return old;
            }
            return lags;
        }, Duration.ofMillis(20), System::nanoTime);
        position(0, 0, 1000);

        assertThatThrownBy(() -> bound.check(STORE, 0)).isInstanceOf(StoreReads.TransientReadException.class);
        measuring.await();
        bound.copyPlaced(STORE, 0);
        placed.countDown();
        // Whatever measurement serves now, the new copy (at 0 of 1000) is not trusted on the old copy's figures.
        long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
        while (System.nanoTime() < until) {
            assertThatThrownBy(() -> bound.check(STORE, 0)).isInstanceOf(StoreReads.TransientReadException.class);
            Thread.sleep(5);
        }
        assertThat(calls.get()).as("measured again meanwhile").isGreaterThan(1);
    }

    @Test
    void aCopyUnwatchedForLongerThanTheTrustGapIsNewAgain() throws InterruptedException {
        AtomicLong now = new AtomicLong(0);
        StandbyLagBound bound = new StandbyLagBound(100, () -> lags, Duration.ofSeconds(1), now::get);
        position(0, 1000, 1000);
        assertThatThrownBy(() -> bound.check(STORE, 0)).isInstanceOf(StoreReads.TransientReadException.class);
        awaitPass(bound);

        // Nobody asked for a stale read for a minute; meanwhile the copy may have left and come back.
        position(0, 1000, 1050);
        now.set(Duration.ofSeconds(60).toNanos());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String refusal = "";
        while (!refusal.contains("has not caught up")) {
            try {
                bound.check(STORE, 0);
                refusal = "passed";
            } catch (StoreReads.TransientReadException e) {
                refusal = e.getMessage();
            }
            assertThat(refusal).as("not trusted on its figures of a minute ago").isNotEqualTo("passed");
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static void awaitPass(StandbyLagBound bound) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                bound.check(STORE, 0);
                return;
            } catch (StoreReads.TransientReadException e) {
                assertThat(System.nanoTime()).as("the check passes once measured: " + e.getMessage()).isLessThan(deadline);
                Thread.sleep(5);
            }
        }
    }
}
