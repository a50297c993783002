package io.servingmonitor.query;

import io.servingmonitor.processor.MetricResolution;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * How one history request is answered: which stored resolution is read, the interval actually used
 * (a multiple of that resolution), the buckets returned, and the window range to fetch.
 *
 * <p>All arithmetic is exact: the request's bounds ({@link MetricsHistoryRequest#withinBounds()})
 * keep every millisecond value below 10^15, and a chart never has more than
 * {@code maxBuckets + 1} points, so no step overflows or loops long.
 *
 * @param buckets      the bucket starts (epoch ms) returned, aligned to multiples of the interval since
 *                     the epoch, without the unfinished last one
 * @param fetchFromMs  first window start to read (the window holding the range start)
 * @param fetchToMs    last window start to read
 */
public record HistoryPlan(MetricResolution resolution, long computedIntervalSec, List<Long> buckets,
                          long fetchFromMs, long fetchToMs) {

    /**
     * Plans {@code request}.
     * <ol>
     *   <li>The candidates are the resolutions whose retention still covers the range start
     *       (none: the coarsest of all).</li>
     *   <li>The interval is the largest of the requested one, the minimum chart interval and what
     *       keeps the chart within {@code maxBuckets} points, raised to a multiple of the finest
     *       candidate that needs at most {@code maxWindowsPerQuery} windows for the range (else of
     *       the coarsest candidate).</li>
     *   <li>The resolution read is the coarsest candidate whose window divides that interval, so
     *       each bucket is a whole number of stored windows and as few windows as possible are read
     *       (a 12 h chart at interval 3600 reads 144 five-minute windows, not 4,320 ten-second
     *       ones).</li>
     *   <li>A rollup (built from closed windows, so trailing the reports by minutes) is a candidate
     *       only where the resolutions of the reports cannot serve: when the finest candidate within
     *       {@code maxWindowsPerQuery} is a rollup, or none is within it and the coarsest is one. So
     *       a recent chart at interval 3600 still reads five-minute windows that include the last
     *       reports, and a 90-day chart reads hour windows.</li>
     * </ol>
     *
     * @param resolutions finest first, the rollups among them
     * @param rollups     which of {@code resolutions} are rollups
     * @throws IllegalArgumentException when {@code request} is outside its bounds (the API refuses
     *                                  such a request before planning it)
     */
    public static HistoryPlan of(MetricsHistoryRequest request, List<MetricResolution> resolutions,
                                 Collection<MetricResolution> rollups, QueryConfig config, long nowMs) {
        if (!request.withinBounds()) {
            throw new IllegalArgumentException("history request outside its bounds: " + request);
        }
        if (resolutions.isEmpty()) {
            throw new IllegalArgumentException("no stored metric resolution");
        }
        long rangeMs = request.toMs() - request.fromMs();
        List<MetricResolution> covering = covering(resolutions, request.fromMs(), nowMs);
        MetricResolution serving = covering.stream()
                .filter(r -> rangeMs / r.window().toMillis() <= config.maxWindowsPerQuery())
                .findFirst()
                .orElse(covering.get(covering.size() - 1));

        long interval = Math.max(request.intervalSec(), config.minChartInterval().toSeconds());
        interval = Math.max(interval, ceilDiv(rangeMs, Math.multiplyExact(config.maxBuckets(), 1000L)));
        interval = roundUp(interval, serving.windowSeconds());
        long chosenInterval = interval;
        boolean rollupNeeded = rollups.contains(serving);
        MetricResolution resolution = covering.stream()
                .filter(r -> rollupNeeded || !rollups.contains(r))
                .filter(r -> chosenInterval % r.windowSeconds() == 0)
                .max(Comparator.comparingLong(MetricResolution::windowSeconds))
                .orElse(serving);

        long intervalMs = Math.multiplyExact(interval, 1000L);
        long first = Math.multiplyExact(Math.floorDiv(request.fromMs(), intervalMs), intervalMs);
        // A bucket starting later than to - 0.9 * interval is unfinished: it is dropped.
        double lastAllowed = request.toMs() - 0.9 * intervalMs;
        List<Long> buckets = new ArrayList<>();
        for (long b = first; b <= lastAllowed; b = Math.addExact(b, intervalMs)) {
            buckets.add(b);
        }
        long windowMs = resolution.window().toMillis();
        long fetchFrom = Math.multiplyExact(Math.floorDiv(request.fromMs(), windowMs), windowMs);
        long fetchTo = buckets.isEmpty() ? fetchFrom - 1
                : Math.min(Math.addExact(buckets.get(buckets.size() - 1), intervalMs) - 1, request.toMs());
        return new HistoryPlan(resolution, interval, List.copyOf(buckets), fetchFrom, fetchTo);
    }

    /** As {@link #of(MetricsHistoryRequest, List, Collection, QueryConfig, long)} without rollups. */
    public static HistoryPlan of(MetricsHistoryRequest request, List<MetricResolution> resolutions,
                                 QueryConfig config, long nowMs) {
        return of(request, resolutions, List.of(), config, nowMs);
    }

    public long computedIntervalMs() {
        return Math.multiplyExact(computedIntervalSec, 1000L);
    }

    /** The resolutions whose retention reaches back to {@code fromMs} at {@code nowMs}; none: the coarsest. */
    private static List<MetricResolution> covering(List<MetricResolution> resolutions, long fromMs, long nowMs) {
        long ageMs = nowMs - fromMs;
        List<MetricResolution> covering = resolutions.stream()
                .filter(r -> ageMs <= r.retention().toMillis())
                .toList();
        return covering.isEmpty() ? List.of(resolutions.get(resolutions.size() - 1)) : covering;
    }

    private static long roundUp(long value, long multiple) {
        return Math.multiplyExact(ceilDiv(value, multiple), multiple);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
