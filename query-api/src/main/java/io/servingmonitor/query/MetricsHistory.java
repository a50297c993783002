package io.servingmonitor.query;

import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.MetricAccumulator;
import io.servingmonitor.topics.MetricType;
import java.util.ArrayList;
import java.util.HashMap;
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
        MetricType type = request.metricType();
        long intervalMs = plan.computedIntervalMs();
        List<Long> buckets = plan.buckets();
        if (buckets.isEmpty()) {
            return new MetricsHistoryResponse(plan.computedIntervalSec(),
                    new MetricSeries(type.title(), List.of(), List.of()), Map.of());
        }
        long first = buckets.get(0);
        long last = buckets.get(buckets.size() - 1);

        // container id -> bucket start -> merged accumulator of this metric
        Map<String, Map<Long, MetricAccumulator>> perContainer = new TreeMap<>();
        for (TimedAggregate window : windows) {
            long bucket = Math.floorDiv(window.windowStartMs(), intervalMs) * intervalMs;
            if (bucket < first || bucket > last) {
                continue;
            }
            window.aggregate().containers().forEach((containerId, sample) -> {
                MetricAccumulator acc = sample.metrics().get(type);
                if (acc != null && acc.count() > 0) {
                    perContainer.computeIfAbsent(containerId, id -> new HashMap<>())
                            .merge(bucket, acc, MetricAccumulator::merge);
                }
            });
        }

        List<Long> dates = type == MetricType.REQUESTS
                ? buckets.stream().filter(b -> perContainer.values().stream().anyMatch(m -> m.containsKey(b))).toList()
                : buckets;

        List<Double> totals = new ArrayList<>(dates.size());
        for (Long bucket : dates) {
            double sum = 0;
            int n = 0;
            for (Map<Long, MetricAccumulator> series : perContainer.values()) {
                MetricAccumulator acc = series.get(bucket);
                if (acc != null) {
                    sum += acc.sample(type);
                    n++;
                }
            }
            double value = n == 0 ? 0 : type.combine() == MetricType.Combine.SUM ? sum : sum / n;
            totals.add(EndpointStats.round2(value));
        }

        Map<String, MetricSeries> instances = new LinkedHashMap<>();
        if (request.instanceCharts()) {
            perContainer.forEach((containerId, series) -> {
                List<Double> values = new ArrayList<>(dates.size());
                for (Long bucket : dates) {
                    MetricAccumulator acc = series.get(bucket);
                    values.add(acc == null ? 0 : EndpointStats.round2(acc.sample(type)));
                }
                instances.put(containerId, new MetricSeries(containerId, dates, values));
            });
        }
        return new MetricsHistoryResponse(plan.computedIntervalSec(),
                new MetricSeries(type.title(), dates, totals), instances);
    }
}
