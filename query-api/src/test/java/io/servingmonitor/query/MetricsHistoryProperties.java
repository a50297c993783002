package io.servingmonitor.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.MetricAccumulator;
import io.servingmonitor.topics.MetricType;
import io.servingmonitor.topics.WindowAggregate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * The chart a {@link MetricsHistory.Collector} makes from windows given one at a time equals the
 * one of the straightforward algorithm below, which merges each container's
 * {@link MetricAccumulator}s per bucket in maps (the charts' values are rounded to two decimals,
 * so what this compares exactly is every rounded value and which buckets and containers have
 * one): random windows in and around the range, in any order, values with fractions, negative
 * ones and none, every metric, with and without instance charts.
 */
class MetricsHistoryProperties {

    private static final MetricResolution FINE = new MetricResolution(Duration.ofSeconds(10), Duration.ofDays(2));
    private static final long T0 = 1_800_000_000_000L;

    @Property(tries = 1_000, seed = "7101", shrinking = ShrinkingMode.BOUNDED)
    void theCollectorMakesExactlyTheChartOfTheMergedAccumulators(@ForAll("charts") Chart chart) {
        MetricsHistoryRequest request = new MetricsHistoryRequest("u", T0, T0 + chart.rangeSec() * 1000L,
                chart.intervalSec(), chart.type(), chart.instanceCharts());
        HistoryPlan plan = HistoryPlan.of(request, List.of(FINE), QueryConfig.defaults(), T0 + 1_000_000_000L);

        MetricsHistory.Collector collector = MetricsHistory.collector(plan, request);
        for (Window window : chart.windows()) {
            collector.add(window.startMs(), window.container(), window.sample());
        }

        assertThat(collector.result()).isEqualTo(reference(plan, request, chart.windows()));
        List<TimedAggregate> aggregates = chart.windows().stream()
                .map(w -> new TimedAggregate(w.startMs(), new WindowAggregate(Map.of(w.container(), w.sample()))))
                .toList();
        assertThat(MetricsHistory.compute(plan, request, aggregates)).isEqualTo(reference(plan, request, chart.windows()));
    }

    @Provide
    Arbitrary<Chart> charts() {
        Arbitrary<Window> window = Combinators.combine(
                Arbitraries.longs().between(-200, 1_400).map(seconds -> T0 + seconds * 1_000L),
                Arbitraries.of("a", "b", "c", "d\u00e9", "e"),
                sample()).as(Window::new);
        return Combinators.combine(
                Arbitraries.of(60L, 300L, 900L, 1_200L),
                Arbitraries.of(10L, 40L, 60L, 70L),
                Arbitraries.of(MetricType.class),
                Arbitraries.of(true, false),
                window.list().ofMaxSize(60)).as(Chart::new);
    }

    private static Arbitrary<ContainerSample> sample() {
        Arbitrary<Double> value = Arbitraries.oneOf(
                Arbitraries.of(0.0, -0.0, 1.0, 0.1, 0.7, 1e-9, 123.456, 99.99),
                Arbitraries.doubles().between(-1_000, 1_000).ofScale(3));
        Arbitrary<MetricAccumulator> accumulator = Combinators.combine(
                Arbitraries.longs().between(0, 5), value, value).as(MetricAccumulator::new);
        return Arbitraries.maps(Arbitraries.of(MetricType.class), accumulator).ofMaxSize(4)
                .map(metrics -> new ContainerSample(metrics.isEmpty() ? Map.of() : new EnumMap<>(metrics)));
    }

    record Window(long startMs, String container, ContainerSample sample) {
    }

    record Chart(long rangeSec, long intervalSec, MetricType type, boolean instanceCharts, List<Window> windows) {
    }

    /** The chart as made before the collector: accumulators merged per container and bucket in maps. */
    private static MetricsHistoryResponse reference(HistoryPlan plan, MetricsHistoryRequest request, List<Window> windows) {
        MetricType type = request.metricType();
        long intervalMs = plan.computedIntervalMs();
        List<Long> buckets = plan.buckets();
        if (buckets.isEmpty()) {
            return new MetricsHistoryResponse(plan.computedIntervalSec(), new MetricSeries(type.title(), List.of(), List.of()), Map.of());
        }
        long first = buckets.get(0);
        long last = buckets.get(buckets.size() - 1);
        Map<String, Map<Long, MetricAccumulator>> perContainer = new TreeMap<>();
        for (Window window : windows) {
            long bucket = Math.floorDiv(window.startMs(), intervalMs) * intervalMs;
            MetricAccumulator acc = window.sample().metrics().get(type);
            if (bucket >= first && bucket <= last && acc != null && acc.count() > 0) {
                perContainer.computeIfAbsent(window.container(), id -> new HashMap<>()).merge(bucket, acc, MetricAccumulator::merge);
            }
        }
        List<Long> dates = type == MetricType.REQUESTS
                ? buckets.stream().filter(b -> perContainer.values().stream().anyMatch(m -> m.containsKey(b))).toList()
                : buckets;
        List<Double> totals = new ArrayList<>();
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
            totals.add(EndpointStats.round2(n == 0 ? 0 : type.combine() == MetricType.Combine.SUM ? sum : sum / n));
        }
        Map<String, MetricSeries> instances = new LinkedHashMap<>();
        if (request.instanceCharts()) {
            perContainer.forEach((id, series) -> instances.put(id, new MetricSeries(id, dates, dates.stream()
                    .map(b -> series.get(b) == null ? 0.0 : EndpointStats.round2(series.get(b).sample(type))).toList())));
        }
        return new MetricsHistoryResponse(plan.computedIntervalSec(), new MetricSeries(type.title(), dates, totals), instances);
    }
}
