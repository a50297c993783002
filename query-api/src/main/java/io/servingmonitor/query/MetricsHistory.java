package io.servingmonitor.query;

import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.MetricAccumulator;
import io.servingmonitor.topics.MetricType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns stored metric windows into the charts of {@code get_endpoint_metrics_history}
 * (DESIGN.md section 3): per container and bucket a sample (max of the counter for
 * {@code requests}, mean of the reports otherwise), combined into the total by sum or mean,
 * rounded to two decimals; every bucket returned except for {@code requests}, which returns only
 * buckets with data.
 */
public final class MetricsHistory {

    private MetricsHistory() {
    }

    /** The chart of {@code windows}, in any order (the reads use a {@link #collector} as they iterate). */
    public static MetricsHistoryResponse compute(HistoryPlan plan, MetricsHistoryRequest request,
                                                 List<TimedAggregate> windows) {
        Collector collector = collector(plan, request);
        for (TimedAggregate window : windows) {
            window.aggregate().containers().forEach((containerId, sample) -> collector.add(window.windowStartMs(), containerId, sample));
        }
        return collector.result();
    }

    /** A chart made from windows given one at a time, as a store's range read returns them. */
    public static Collector collector(HistoryPlan plan, MetricsHistoryRequest request) {
        return new Collector(plan, request);
    }

    /**
     * Collects the windows of one chart: per container and bucket the count, sum and max of the
     * chart's metric, in arrays indexed by bucket over the span the container has values in (a
     * container's windows merge in the order given, as {@link MetricAccumulator#merge} would).
     * Not thread-safe.
     */
    public static final class Collector {

        private final MetricType type;
        private final boolean instanceCharts;
        private final HistoryPlan plan;
        private final long intervalMs;
        private final List<Long> buckets;
        private final long first;
        private final long last;
        /** container id -> its figures of this metric per bucket; only containers with a value. */
        private final Map<String, Series> perContainer = new TreeMap<>();
        private String lastContainer;
        private Series lastSeries;

        private Collector(HistoryPlan plan, MetricsHistoryRequest request) {
            this.type = request.metricType();
            this.instanceCharts = request.instanceCharts();
            this.plan = plan;
            this.intervalMs = plan.computedIntervalMs();
            this.buckets = plan.buckets();
            this.first = buckets.isEmpty() ? 0 : buckets.get(0);
            this.last = buckets.isEmpty() ? -1 : buckets.get(buckets.size() - 1);
        }

        /** Adds one container's window starting at {@code windowStartMs}. */
        public void add(long windowStartMs, String containerId, ContainerSample sample) {
            long bucket = Math.floorDiv(windowStartMs, intervalMs) * intervalMs;
            if (bucket < first || bucket > last) {
                return;
            }
            MetricAccumulator acc = sample.metrics().get(type);
            if (acc == null || acc.count() <= 0) {
                return;
            }
            if (!containerId.equals(lastContainer)) {
                lastSeries = perContainer.computeIfAbsent(containerId, id -> new Series());
                lastContainer = containerId;
            }
            lastSeries.add((int) ((bucket - first) / intervalMs), acc);
        }

        /** The chart of the windows added. */
        public MetricsHistoryResponse result() {
            if (buckets.isEmpty()) {
                return new MetricsHistoryResponse(plan.computedIntervalSec(),
                        new MetricSeries(type.title(), List.of(), List.of()), Map.of());
            }
            List<Integer> indexes = new ArrayList<>(buckets.size());
            for (int i = 0; i < buckets.size(); i++) {
                int index = i;
                if (type != MetricType.REQUESTS || perContainer.values().stream().anyMatch(series -> series.has(index))) {
                    indexes.add(i);
                }
            }
            List<Long> dates = indexes.size() == buckets.size() ? buckets : indexes.stream().map(buckets::get).toList();

            List<Double> totals = new ArrayList<>(indexes.size());
            for (int i : indexes) {
                double sum = 0;
                int n = 0;
                for (Series series : perContainer.values()) {
                    if (series.has(i)) {
                        sum += series.sample(i, type);
                        n++;
                    }
                }
                double value = n == 0 ? 0 : type.combine() == MetricType.Combine.SUM ? sum : sum / n;
                totals.add(EndpointStats.round2(value));
            }

            Map<String, MetricSeries> instances = new LinkedHashMap<>();
            if (instanceCharts) {
                perContainer.forEach((containerId, series) -> {
                    List<Double> values = new ArrayList<>(indexes.size());
                    for (int i : indexes) {
                        values.add(series.has(i) ? EndpointStats.round2(series.sample(i, type)) : 0);
                    }
                    instances.put(containerId, new MetricSeries(containerId, dates, values));
                });
            }
            return new MetricsHistoryResponse(plan.computedIntervalSec(),
                    new MetricSeries(type.title(), dates, totals), instances);
        }
    }

    /**
     * One container's count, sum and max of one metric per bucket, over the span of buckets it
     * has values in (grown as windows arrive: a container that lived an hour of a 90-day chart
     * keeps an hour's buckets, not the chart's).
     */
    private static final class Series {

        private int base;
        private long[] count = new long[0];
        private double[] sum = new double[0];
        private double[] max = new double[0];

        void add(int bucket, MetricAccumulator acc) {
            int at = cover(bucket);
            if (count[at] == 0) {
                sum[at] = acc.sum();
                max[at] = acc.max();
            } else {
                sum[at] += acc.sum();
                max[at] = Math.max(max[at], acc.max());
            }
            count[at] += acc.count();
        }

        boolean has(int bucket) {
            int at = bucket - base;
            return at >= 0 && at < count.length && count[at] > 0;
        }

        /** As {@link MetricAccumulator#sample}. */
        double sample(int bucket, MetricType type) {
            int at = bucket - base;
            return new MetricAccumulator(count[at], sum[at], max[at]).sample(type);
        }

        /** The array index of {@code bucket}, after growing the arrays to cover it. */
        private int cover(int bucket) {
            if (count.length == 0) {
                base = bucket;
                resize(0, 8);
            } else if (bucket < base) {
                // Before the span (windows given out of time order): grow at the front.
                int shift = Math.max(base - bucket, count.length);
                resize(shift, count.length + shift);
                base -= shift;
            } else if (bucket - base >= count.length) {
                resize(0, Math.max(bucket - base + 1, count.length * 2));
            }
            return bucket - base;
        }

        private void resize(int shift, int length) {
            long[] c = new long[length];
            double[] s = new double[length];
            double[] m = new double[length];
            System.arraycopy(count, 0, c, shift, count.length);
            System.arraycopy(sum, 0, s, shift, sum.length);
            System.arraycopy(max, 0, m, shift, max.length);
            count = c;
            sum = s;
            max = m;
        }
    }
}
