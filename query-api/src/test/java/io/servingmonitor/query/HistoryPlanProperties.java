package io.servingmonitor.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.topics.MetricType;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link HistoryPlan#of} for any request within the API's bounds: properties checked
 * over the bounds' edges and thousands of requests drawn from a fixed seed (so a failure repeats).
 */
class HistoryPlanProperties {

    private static final int SAMPLES = 3_000;
    private static final long SEED = 20261201L;

    private static final MetricResolution FINE = new MetricResolution(Duration.ofSeconds(10), Duration.ofDays(2));
    private static final MetricResolution MINUTE = new MetricResolution(Duration.ofMinutes(1), Duration.ofDays(7));
    private static final MetricResolution COARSE = new MetricResolution(Duration.ofMinutes(5), Duration.ofDays(90));
    private static final long NOW_MS = 1_800_000_000_000L;
    private static final long MAX_MS = MetricsHistoryRequest.MAX_DATE_MS;

    /** Any range and interval within the bounds, edges included: planned without overflow, every rule holds. */
    @Test
    void anyBoundedRequestIsPlannedByTheRules() {
        long[] edgeFroms = {0, 1, NOW_MS, MAX_MS - 1};
        long[] edgeIntervals = {1, 40, 41, 300, MetricsHistoryRequest.MAX_INTERVAL_SEC};
        for (long from : edgeFroms) {
            for (long interval : edgeIntervals) {
                for (long to : new long[] {from + 1, Math.min(MAX_MS, from + 86_400_000), MAX_MS}) {
                    checkRules(request(from, to, interval), List.of(FINE, COARSE), config(10_000), NOW_MS);
                    checkRules(request(from, to, interval), List.of(FINE, COARSE), config(1), NOW_MS);
                }
            }
        }
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < SAMPLES; i++) {
            long from = random.nextLong(0, MAX_MS);
            long to = from + 1 + random.nextLong(MAX_MS - from);
            long interval = random.nextLong(1, MetricsHistoryRequest.MAX_INTERVAL_SEC + 1);
            checkRules(request(from, to, interval), List.of(FINE, COARSE), config(random.nextInt(1, 20_001)), NOW_MS);
        }
    }

    /** Recent ranges of up to a few days at short intervals, where every resolution may serve: the same rules. */
    @Test
    void recentRequestsArePlannedByTheRules() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int i = 0; i < SAMPLES; i++) {
            long from = NOW_MS - random.nextLong(0, 10L * 86_400_000);
            long to = from + random.nextLong(1, 10L * 86_400_000);
            long interval = random.nextBoolean() ? random.nextLong(1, 100_000) : 60L * random.nextLong(1, 1_000);
            checkRules(request(from, to, interval), List.of(FINE, MINUTE, COARSE),
                    config(random.nextInt(1, 20_001)), NOW_MS);
        }
    }

    private static MetricsHistoryRequest request(long fromMs, long toMs, long intervalSec) {
        return new MetricsHistoryRequest("u", fromMs, toMs, intervalSec, MetricType.CPU_UTIL, true);
    }

    private static QueryConfig config(int maxBuckets) {
        return new QueryConfig(Duration.ofSeconds(40), 5_000, maxBuckets, Duration.ofSeconds(1));
    }

    private static void checkRules(MetricsHistoryRequest request, List<MetricResolution> resolutions,
                                   QueryConfig config, long nowMs) {
        try {
            checkPlan(request, resolutions, config, nowMs);
        } catch (AssertionError | ArithmeticException e) {
            throw new AssertionError("for " + request + " with at most " + config.maxBuckets() + " buckets", e);
        }
    }

    private static void checkPlan(MetricsHistoryRequest request, List<MetricResolution> resolutions,
                                  QueryConfig config, long nowMs) {
        HistoryPlan plan = HistoryPlan.of(request, resolutions, config, nowMs);
        long interval = plan.computedIntervalSec();
        long intervalMs = plan.computedIntervalMs();
        long windowSec = plan.resolution().windowSeconds();
        List<MetricResolution> covering = resolutions.stream()
                .filter(r -> nowMs - r.retention().toMillis() <= request.fromMs())
                .toList();

        // computed_interval: at least the request and the minimum, a multiple of the resolution read.
        assertThat(interval).isGreaterThanOrEqualTo(Math.max(request.intervalSec(), 40));
        assertThat(interval % windowSec).isZero();
        // The resolution read: a covering one (if any covers), the coarsest whose window divides the interval.
        if (!covering.isEmpty()) {
            assertThat(covering).contains(plan.resolution());
            assertThat(covering).filteredOn(r -> interval % r.windowSeconds() == 0)
                    .allSatisfy(r -> assertThat(r.windowSeconds()).isLessThanOrEqualTo(windowSec));
        }
        // Buckets: at most the limit (+1 for a partial first bucket), aligned, consecutive, none unfinished.
        List<Long> buckets = plan.buckets();
        assertThat(buckets.size()).isLessThanOrEqualTo(config.maxBuckets() + 1);
        for (int i = 0; i < buckets.size(); i++) {
            long b = buckets.get(i);
            assertThat(b % intervalMs).isZero();
            assertThat((double) b).isLessThanOrEqualTo(request.toMs() - 0.9 * intervalMs);
            if (i == 0) {
                assertThat(b).isLessThanOrEqualTo(request.fromMs()).isGreaterThan(request.fromMs() - intervalMs);
            } else {
                assertThat(b - buckets.get(i - 1)).isEqualTo(intervalMs);
            }
        }
        // The windows fetched start at the window holding the range start and end within the range.
        assertThat(plan.fetchFromMs()).isLessThanOrEqualTo(request.fromMs());
        assertThat(plan.fetchFromMs() % plan.resolution().window().toMillis()).isZero();
        assertThat(plan.fetchToMs()).isLessThanOrEqualTo(request.toMs());
    }
}
