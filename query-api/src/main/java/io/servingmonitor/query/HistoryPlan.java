package io.servingmonitor.query;

import io.servingmonitor.processor.MetricResolution;
import java.util.ArrayList;
import java.util.List;

/**
 * How one history request is answered: which stored resolution is read, the interval actually used
 * (a multiple of that resolution), the buckets returned, and the window range to fetch.
 *
 * @param buckets      the bucket starts (epoch ms) returned, aligned to multiples of the interval since
 *                     the epoch, without the unfinished last one
 * @param fetchFromMs  first window start to read (the window holding the range start)
 * @param fetchToMs    last window start to read
 */
public record HistoryPlan(MetricResolution resolution, long computedIntervalSec, List<Long> buckets,
                          long fetchFromMs, long fetchToMs) {

    /**
     * Plans {@code request}: the interval is at least the minimum chart interval; the finest
     * resolution whose retention still covers the range start and that needs at most
     * {@code maxWindowsPerQuery} windows is read (else the coarsest that covers it, else the
     * coarsest); the interval is raised to a multiple of it, and further if the chart would have
     * more than {@code maxBuckets} points.
     *
     * @param resolutions finest first
     */
    public static HistoryPlan of(MetricsHistoryRequest request, List<MetricResolution> resolutions,
                                 QueryConfig config, long nowMs) {
        long rangeMs = request.toMs() - request.fromMs();
        List<MetricResolution> covering = resolutions.stream()
                .filter(r -> nowMs - r.retention().toMillis() <= request.fromMs())
                .toList();
        if (covering.isEmpty()) {
            covering = List.of(resolutions.get(resolutions.size() - 1));
        }
        MetricResolution resolution = covering.stream()
                .filter(r -> rangeMs / r.window().toMillis() <= config.maxWindowsPerQuery())
                .findFirst()
                .orElse(covering.get(covering.size() - 1));

        long windowSec = resolution.windowSeconds();
        long interval = roundUp(Math.max(request.intervalSec(), config.minChartInterval().toSeconds()), windowSec);
        long neededForBuckets = ceilDiv(rangeMs, config.maxBuckets() * 1000L);
        if (interval < neededForBuckets) {
            interval = roundUp(neededForBuckets, windowSec);
        }

        long intervalMs = interval * 1000L;
        long first = Math.floorDiv(request.fromMs(), intervalMs) * intervalMs;
        // A bucket starting later than to - 0.9 * interval is unfinished: it is dropped.
        double lastAllowed = request.toMs() - 0.9 * intervalMs;
        List<Long> buckets = new ArrayList<>();
        for (long b = first; b <= lastAllowed; b += intervalMs) {
            buckets.add(b);
        }
        long windowMs = resolution.window().toMillis();
        long fetchFrom = Math.floorDiv(request.fromMs(), windowMs) * windowMs;
        long fetchTo = buckets.isEmpty() ? fetchFrom - 1
                : Math.min(buckets.get(buckets.size() - 1) + intervalMs - 1, request.toMs());
        return new HistoryPlan(resolution, interval, List.copyOf(buckets), fetchFrom, fetchTo);
    }

    public long computedIntervalMs() {
        return computedIntervalSec * 1000L;
    }

    private static long roundUp(long value, long multiple) {
        return ceilDiv(value, multiple) * multiple;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
