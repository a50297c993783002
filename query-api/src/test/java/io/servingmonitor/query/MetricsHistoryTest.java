package io.servingmonitor.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MetricType;
import io.servingmonitor.topics.WindowAggregate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsHistoryTest {

    private static final MetricResolution FINE = new MetricResolution(Duration.ofSeconds(10), Duration.ofDays(2));
    private static final long T0 = 1_800_000_000_000L; // a multiple of 40 s

    private static HistoryPlan plan(MetricsHistoryRequest request) {
        return HistoryPlan.of(request, List.of(FINE), QueryConfig.defaults(), T0 + 1_000_000);
    }

    private static MetricsHistoryRequest request(MetricType type, boolean instanceCharts) {
        // Three whole 40 s buckets: T0, T0+40s, T0+80s.
        return new MetricsHistoryRequest("u", T0, T0 + 120_000, 40, type, instanceCharts);
    }

    private static TimedAggregate window(long offsetMs, String container, LoadReport... reports) {
        WindowAggregate aggregate = WindowAggregate.EMPTY;
        for (LoadReport report : reports) {
            aggregate = aggregate.add(container, report);
        }
        return new TimedAggregate(T0 + offsetMs, aggregate);
    }

    private static LoadReport requests(long cumulative, long latency) {
        return new LoadReport(null, cumulative, null, latency, null);
    }

    @Test
    void requestsTotalSumsEachContainersMaxAndKeepsOnlyBucketsWithData() {
        MetricsHistoryRequest request = request(MetricType.REQUESTS, true);
        List<TimedAggregate> windows = List.of(
                window(0, "a", requests(10, 0), requests(15, 0)),
                window(10_000, "a", requests(20, 0)),
                window(20_000, "b", requests(7, 0)),
                window(80_000, "b", requests(9, 0)));

        MetricsHistoryResponse response = MetricsHistory.compute(plan(request), request, windows);

        assertThat(response.computedInterval()).isEqualTo(40);
        assertThat(response.total().title()).isEqualTo("Number of Requests");
        assertThat(response.total().dates()).containsExactly(T0, T0 + 80_000);
        assertThat(response.total().values()).containsExactly(27.0, 9.0);
        assertThat(response.instances().get("a").dates()).containsExactly(T0, T0 + 80_000);
        assertThat(response.instances().get("a").values()).containsExactly(20.0, 0.0);
        assertThat(response.instances().get("b").title()).isEqualTo("b");
        assertThat(response.instances().get("b").values()).containsExactly(7.0, 9.0);
    }

    @Test
    void latencyTotalIsTheMeanOfContainerMeansWithEmptyBucketsAsZero() {
        MetricsHistoryRequest request = request(MetricType.LATENCY_MS, true);
        List<TimedAggregate> windows = List.of(
                window(0, "a", requests(1, 10), requests(1, 20)),
                window(0, "b", requests(1, 31)));

        MetricsHistoryResponse response = MetricsHistory.compute(plan(request), request, windows);

        assertThat(response.total().title()).isEqualTo("Average Latency (ms)");
        assertThat(response.total().dates()).containsExactly(T0, T0 + 40_000, T0 + 80_000);
        assertThat(response.total().values()).containsExactly(23.0, 0.0, 0.0);
        assertThat(response.instances().get("a").values()).containsExactly(15.0, 0.0, 0.0);
    }

    @Test
    void valuesAreRoundedToTwoDecimals() {
        MetricsHistoryRequest request = request(MetricType.LATENCY_MS, false);
        List<TimedAggregate> windows = List.of(window(0, "a", requests(1, 10), requests(1, 10), requests(1, 11)));

        MetricsHistoryResponse response = MetricsHistory.compute(plan(request), request, windows);

        assertThat(response.total().values().get(0)).isEqualTo(10.33);
    }

    @Test
    void withoutInstanceChartsOnlyTheTotalIsReturned() {
        MetricsHistoryRequest request = request(MetricType.REQUESTS, false);
        MetricsHistoryResponse response = MetricsHistory.compute(plan(request), request,
                List.of(window(0, "a", requests(5, 1))));

        assertThat(response.instances()).isEmpty();
        assertThat(response.total().values()).containsExactly(5.0);
    }

    @Test
    void containerWithoutTheMetricHasNoInstanceSeries() {
        MetricsHistoryRequest request = request(MetricType.CPU_UTIL, true);
        MetricsHistoryResponse response = MetricsHistory.compute(plan(request), request,
                List.of(window(0, "a", requests(5, 1))));

        assertThat(response.instances()).isEmpty();
        assertThat(response.total().values()).containsExactly(0.0, 0.0, 0.0);
    }
}
