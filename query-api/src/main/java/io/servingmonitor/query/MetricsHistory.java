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
     * chart's metric, in arrays indexed by bucket (a container's windows merge in the order given,
     * as {@link MetricAccumulator#merge} would). Not thread-safe.
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
                lastSeries = perContainer.computeIfAbsent(containerId, id -> new Series(buckets.size()));
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

    /** One container's count, sum and max of one metric per bucket. */
    private static final class Series {

        private final long[] count;
        private final double[] sum;
        private final double[] max;

        Series(int buckets) {
            count = new long[buckets];
            sum = new double[buckets];
            max = new double[buckets];
        }

        void add(int bucket, MetricAccumulator acc) {
            if (count[bucket] == 0) {
                sum[bucket] = acc.sum();
                max[bucket] = acc.max();
            } else {
                sum[bucket] += acc.sum();
                max[bucket] = Math.max(max[bucket], acc.max());
            }
            count[bucket] += acc.count();
        }

        boolean has(int bucket) {
            return count[bucket] > 0;
        }

        /** As {@link MetricAccumulator#sample}. */
        double sample(int bucket, MetricType type) {
            return new MetricAccumulator(count[bucket], sum[bucket], max[bucket]).sample(type);
        }
    }
}
