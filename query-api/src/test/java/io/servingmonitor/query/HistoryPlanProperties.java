package io.servingmonitor.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.topics.MetricType;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The rules of {@link HistoryPlan#of} for any request within the API's bounds: properties checked
 * over every combination of the bounds' edges and over thousands of requests drawn from fixed seeds
 * (so a failure repeats; jqwik shrinks it to a smaller failing request).
 */
class HistoryPlanProperties {

    private static final MetricResolution FINE = new MetricResolution(Duration.ofSeconds(10), Duration.ofDays(2));
    private static final MetricResolution MINUTE = new MetricResolution(Duration.ofMinutes(1), Duration.ofDays(7));
    private static final MetricResolution COARSE = new MetricResolution(Duration.ofMinutes(5), Duration.ofDays(90));
    private static final long NOW_MS = 1_800_000_000_000L;
    private static final long MAX_MS = MetricsHistoryRequest.MAX_DATE_MS;
    private static final long TEN_DAYS_MS = 10L * 86_400_000;

    /** Ranges and intervals at the bounds' edges, each with the largest and the smallest bucket limit: every rule holds. */
    @Property(generation = GenerationMode.EXHAUSTIVE)
    void boundedRequestsAtTheEdgesArePlannedByTheRules(@ForAll("edgeRequests") MetricsHistoryRequest request,
                                                       @ForAll("edgeBucketLimits") int maxBuckets) {
        checkRules(request, List.of(FINE, COARSE), config(maxBuckets), NOW_MS);
    }

    /** Any range and interval within the bounds: planned without overflow, every rule holds. */
    @Property(seed = "20261201", tries = 4_000)
    void anyBoundedRequestIsPlannedByTheRules(@ForAll("boundedRequests") MetricsHistoryRequest request,
                                              @ForAll @IntRange(min = 1, max = 20_000) int maxBuckets) {
        checkRules(request, List.of(FINE, COARSE), config(maxBuckets), NOW_MS);
    }

    /** Recent ranges of up to a few days at short intervals, where every resolution may serve: the same rules. */
    @Property(seed = "20261202", tries = 4_000)
    void recentRequestsArePlannedByTheRules(@ForAll @LongRange(min = 0, max = TEN_DAYS_MS - 1) long back,
                                            @ForAll @LongRange(min = 1, max = TEN_DAYS_MS - 1) long length,
                                            @ForAll("recentIntervals") long interval,
                                            @ForAll @IntRange(min = 1, max = 20_000) int maxBuckets) {
        long from = NOW_MS - back;
        checkRules(request(from, from + length, interval), List.of(FINE, MINUTE, COARSE), config(maxBuckets), NOW_MS);
    }

    /**
     * With an hour rollup beside the report resolutions: a plan reads the rollup only when the
     * report resolutions covering the range need more than {@code maxWindowsPerQuery} windows for
     * it; every other plan is the plan made without the rollup (so recent charts keep reading the
     * windows that hold the last reports).
     */
    @Property(seed = "20261208", tries = 4_000)
    void aRollupIsReadOnlyWhereTheReportResolutionsCannotServe(@ForAll("boundedRequests") MetricsHistoryRequest request,
                                                                @ForAll @IntRange(min = 1, max = 20_000) int maxBuckets) {
        MetricResolution hour = new MetricResolution(Duration.ofHours(1), Duration.ofDays(400));
        List<MetricResolution> reports = List.of(FINE, COARSE);
        QueryConfig config = config(maxBuckets);
        HistoryPlan withRollup = HistoryPlan.of(request, List.of(FINE, COARSE, hour), List.of(hour), config, NOW_MS);
        long rangeMs = request.toMs() - request.fromMs();
        boolean reportsCanServe = reports.stream()
                .anyMatch(r -> NOW_MS - r.retention().toMillis() <= request.fromMs()
                        && rangeMs / r.window().toMillis() <= config.maxWindowsPerQuery());
        if (reportsCanServe) {
            assertThat(withRollup).as("%s", request).isEqualTo(HistoryPlan.of(request, reports, config, NOW_MS));
        } else {
            assertThat(withRollup.resolution()).as("%s", request).isEqualTo(hour);
        }
    }

    /** From the first, a recent and the last instant; to just after, a day after (within the bounds) and the last instant. */
    @Provide
    Arbitrary<MetricsHistoryRequest> edgeRequests() {
        Arbitrary<Long> intervals = Arbitraries.of(1L, 40L, 41L, 300L, MetricsHistoryRequest.MAX_INTERVAL_SEC);
        return Arbitraries.of(0L, 1L, NOW_MS, MAX_MS - 1).flatMap(from -> Combinators.combine(
                        Arbitraries.of(from + 1, Math.min(MAX_MS, from + 86_400_000), MAX_MS), intervals)
                .as((to, interval) -> request(from, to, interval)));
    }

    @Provide
    Arbitrary<Integer> edgeBucketLimits() {
        return Arbitraries.of(10_000, 1);
    }

    /** From any instant before the last, to any later one up to the last, at any interval up to the largest. */
    @Provide
    Arbitrary<MetricsHistoryRequest> boundedRequests() {
        Arbitrary<Long> intervals = Arbitraries.longs().between(1, MetricsHistoryRequest.MAX_INTERVAL_SEC);
        return Arbitraries.longs().between(0, MAX_MS - 1).flatMap(from -> Combinators.combine(
                        Arbitraries.longs().between(from + 1, MAX_MS), intervals)
                .as((to, interval) -> request(from, to, interval)));
    }

    /** Half any number of seconds below 100,000, half whole minutes below 1,000. */
    @Provide
    Arbitrary<Long> recentIntervals() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1, 99_999),
                Arbitraries.longs().between(1, 999).map(minutes -> 60 * minutes));
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
