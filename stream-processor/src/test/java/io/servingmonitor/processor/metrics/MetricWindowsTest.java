package io.servingmonitor.processor.metrics;

import static io.servingmonitor.processor.Events.COMPANY;
import static io.servingmonitor.processor.Events.URL_A;
import static io.servingmonitor.processor.Events.at;
import static io.servingmonitor.processor.Events.endpoint;
import static io.servingmonitor.processor.Events.load;
import static io.servingmonitor.processor.Events.ms;
import static io.servingmonitor.processor.Events.register;
import static io.servingmonitor.processor.Events.report;
import static io.servingmonitor.processor.Events.requests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.TopologyFixture;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.MetricAccumulator;
import io.servingmonitor.topics.MetricType;
import io.servingmonitor.topics.MetricWindow;
import io.servingmonitor.topics.WindowAggregate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.AbstractDualSchemaRocksDBSegmentedBytesStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetricWindowsTest {

    private static final MetricResolution TEN_SECONDS = ProcessorConfig.defaults().resolutions().get(0);
    private static final MetricResolution FIVE_MINUTES = ProcessorConfig.defaults().resolutions().get(1);
    /** The grace of earlier versions, for the tests of what happens past a grace. */
    private static final ProcessorConfig THIRTY_SECOND_GRACE = new ProcessorConfig(ProcessorConfig.defaults().resolutions(),
            ProcessorConfig.defaults().expiryScanInterval(), Duration.ofSeconds(30));

    /*
     * Container c1 reports A (t+1 s) and B (t+6 s) in the first 10 s window and C (t+12 s) in the
     * second, all three in the first 5 min window; c2 reports D (t+3 s) once. Memory is sent in MB
     * and aggregated in GB; every figure is exact in binary so that sums compare exactly.
     */
    private static final LoadReport A = load(100, 6.0, 20, stats(List.of(10.0, 30.0), List.of(50.0), 1024, 3072,
            List.of(512.0, 1536.0), List.of(2048.0), 1.5, 0.5));
    private static final LoadReport B = load(130, 8.0, 40, stats(List.of(40.0, 60.0, 80.0), List.of(70.0, 90.0), 2048, 2048,
            List.of(3072.0), List.of(1024.0, 1024.0), 2.5, 1.0));
    private static final LoadReport C = load(150, 4.0, 30, stats(List.of(20.0), List.of(10.0, 30.0), 512, 1536,
            List.of(256.0), List.of(768.0), 0.5, 2.0));
    private static final LoadReport D = load(7, 1.0, 100, stats(List.of(90.0), List.of(), 4096, 0,
            List.of(1024.0), List.of(1024.0), 8.0, 4.0));

    @TempDir
    Path stateDir;

    /** Per metric: c1 in the first 10 s window (A, B), c1 in the first 5 min window (A, B, C), c2's one value (D). */
    static Stream<Arguments> expectedPerMetric() {
        return Stream.of(
                Arguments.of(MetricType.REQUESTS, acc(2, 230, 130), acc(3, 380, 150), 7.0),
                Arguments.of(MetricType.REQUESTS_MIN, acc(2, 14, 8), acc(3, 18, 8), 1.0),
                Arguments.of(MetricType.LATENCY_MS, acc(2, 60, 40), acc(3, 90, 40), 100.0),
                Arguments.of(MetricType.CPU_COUNT, acc(2, 5, 3), acc(3, 6, 3), 1.0),
                Arguments.of(MetricType.GPU_COUNT, acc(2, 3, 2), acc(3, 5, 2), 0.0),
                Arguments.of(MetricType.CPU_UTIL, acc(2, 80, 60), acc(3, 100, 60), 90.0),
                Arguments.of(MetricType.GPU_UTIL, acc(2, 130, 80), acc(3, 150, 80), null),
                Arguments.of(MetricType.RAM_TOTAL, acc(2, 8, 4), acc(3, 10, 4), 4.0),
                Arguments.of(MetricType.RAM_USED, acc(2, 3, 2), acc(3, 3.5, 2), 4.0),
                Arguments.of(MetricType.RAM_FREE, acc(2, 5, 3), acc(3, 6.5, 3), 0.0),
                Arguments.of(MetricType.GPU_RAM_TOTAL, acc(2, 7, 4), acc(3, 8, 4), 2.0),
                Arguments.of(MetricType.GPU_RAM_USED, acc(2, 4, 3), acc(3, 4.25, 3), 1.0),
                Arguments.of(MetricType.GPU_RAM_FREE, acc(2, 3, 2), acc(3, 3.75, 2), 1.0),
                Arguments.of(MetricType.NETWORK_RX, acc(2, 4, 2.5), acc(3, 4.5, 2.5), 8.0),
                Arguments.of(MetricType.NETWORK_TX, acc(2, 1.5, 1.0), acc(3, 3.5, 2.0), 4.0));
    }

    /**
     * A chart's read of one endpoint goes through the key-ordered index: without it the
     * time-ordered store scans every container's windows in the chart's range.
     */
    @Test
    void everyResolutionStoreKeepsAKeyOrderedIndexForTheReadsOfOneEndpoint() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            for (MetricResolution resolution : ProcessorConfig.defaults().resolutions()) {
                StateStore store = fixture.stateStore(resolution.storeName());
                while (store instanceof WrappedStateStore<?, ?, ?> wrapper) {
                    store = wrapper.wrapped();
                }
                assertThat(store).as(resolution.storeName()).isInstanceOf(AbstractDualSchemaRocksDBSegmentedBytesStore.class);
                assertThat(((AbstractDualSchemaRocksDBSegmentedBytesStore<?>) store).hasIndex()).as(resolution.storeName()).isTrue();
            }
        }
    }

    /**
     * c1 reports A in the first 5 min window and B, C in the second, c2 reports D in the first;
     * c3's report at 10 min only moves stream time. A closed 5 min window (end + grace passed) is
     * merged into its hour window exactly once; open ones are not yet.
     */
    @Test
    void closedFiveMinuteWindowsAreMergedOnceIntoTheirHourRollup() {
        MetricResolution hour = ProcessorConfig.DEFAULT_ROLLUP;
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            fixture.send(report("c1", URL_A, at(1), A), report("c2", URL_A, at(3), D),
                    report("c1", URL_A, at(301), B), report("c1", URL_A, at(302), C));
            assertThat(fixture.window(hour, endpoint(URL_A), ms(at(0)))).as("nothing closed yet").isNull();

            fixture.send(report("c3", URL_A, at(601), A));
            WindowAggregate afterFirst = fixture.window(hour, endpoint(URL_A), ms(at(0)));
            assertThat(afterFirst.containers()).containsOnlyKeys("c1", "c2");
            assertThat(afterFirst.containers().get("c1")).isEqualTo(ContainerSample.of(A));
            assertThat(afterFirst.containers().get("c2")).isEqualTo(ContainerSample.of(D));

            fixture.send(report("c3", URL_A, at(901), A));
            WindowAggregate afterSecond = fixture.window(hour, endpoint(URL_A), ms(at(0)));
            assertThat(afterSecond.containers()).containsOnlyKeys("c1", "c2");
            assertThat(afterSecond.containers().get("c1"))
                    .isEqualTo(fixture.window(FIVE_MINUTES, endpoint(URL_A), ms(at(0))).containers().get("c1")
                            .merge(fixture.window(FIVE_MINUTES, endpoint(URL_A), ms(at(300))).containers().get("c1")))
                    .isEqualTo(ContainerSample.of(A).merge(ContainerSample.of(B)).merge(ContainerSample.of(C)));
            assertThat(afterSecond.containers().get("c2")).as("c2's window merged once").isEqualTo(ContainerSample.of(D));
        }
    }

    @Test
    void aRollupWindowMustBeAMultipleOfTheCoarsestResolutionsWindow() {
        ProcessorConfig defaults = ProcessorConfig.defaults();
        assertThatThrownBy(() -> defaults.withRollups(List.of(new MetricResolution(Duration.ofMinutes(7), Duration.ofDays(9)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple");
        assertThatThrownBy(() -> defaults.withRollups(List.of(new MetricResolution(Duration.ofMinutes(5), Duration.ofDays(9)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger");
        assertThat(defaults.withRollups(List.of(new MetricResolution(Duration.ofDays(1), Duration.ofDays(400)))).storedResolutions())
                .extracting(MetricResolution::windowSeconds).containsExactly(10L, 300L, 86_400L);
    }

    @Test
    void expectationsCoverAllFifteenMetrics() {
        assertThat(expectedPerMetric().map(args -> (MetricType) args.get()[0]))
                .containsExactlyInAnyOrderElementsOf(Arrays.asList(MetricType.values()))
                .hasSize(15);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectedPerMetric")
    void everyMetricIsAggregatedExactlyPerContainerAtBothResolutions(MetricType metric, MetricAccumulator c1TenSeconds,
                                                                      MetricAccumulator c1FiveMinutes, Double c2Value) {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            fixture.send(report("c1", URL_A, at(1), A), report("c2", URL_A, at(3), D),
                    report("c1", URL_A, at(6), B), report("c1", URL_A, at(12), C));

            WindowAggregate tenSeconds = fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(0)));
            WindowAggregate fiveMinutes = fixture.window(FIVE_MINUTES, endpoint(URL_A), ms(at(0)));

            assertThat(tenSeconds.containers()).containsOnlyKeys("c1", "c2");
            assertThat(fiveMinutes.containers()).containsOnlyKeys("c1", "c2");
            assertThat(metricOf(tenSeconds, "c1", metric)).isEqualTo(c1TenSeconds);
            assertThat(metricOf(fiveMinutes, "c1", metric)).isEqualTo(c1FiveMinutes);
            MetricAccumulator c2Expected = c2Value == null ? null : MetricAccumulator.of(c2Value);
            assertThat(metricOf(tenSeconds, "c2", metric)).isEqualTo(c2Expected);
            assertThat(metricOf(fiveMinutes, "c2", metric)).isEqualTo(c2Expected);
        }
    }

    @Test
    void reportInTheNextTenSecondWindowIsCountedThereOnly() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            fixture.send(report("c1", URL_A, at(1), A), report("c1", URL_A, at(12), C));

            assertThat(metricOf(fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(0))), "c1", MetricType.REQUESTS))
                    .isEqualTo(acc(1, 100, 100));
            assertThat(metricOf(fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(10))), "c1", MetricType.REQUESTS))
                    .isEqualTo(acc(1, 150, 150));
        }
    }

    @Test
    void windowsAreKeyedByCompanyAndUrl() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            fixture.send(report("globex", "c9", URL_A, at(1), requests(5)), report("c1", URL_A, at(2), requests(3)));

            assertThat(fixture.window(TEN_SECONDS, new EndpointKey("globex", URL_A), ms(at(0))).containers())
                    .containsOnlyKeys("c9");
            assertThat(fixture.window(TEN_SECONDS, new EndpointKey(COMPANY, URL_A), ms(at(0))).containers())
                    .containsOnlyKeys("c1");
        }
    }

    @Test
    void registerAndReportsWithoutUrlMakeNoSamples() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            fixture.send(register("c1", URL_A, at(1)), report("c2", null, at(2)));

            assertThat(fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(0)))).isNull();
            try (var all = fixture.metrics(FIVE_MINUTES).all()) {
                assertThat(all.hasNext()).isFalse();
            }
        }
    }

    @Test
    void windowOlderThanTheRetentionIsGoneOnceStreamTimePassesIt() {
        ProcessorConfig shortRetention = new ProcessorConfig(
                List.of(new MetricResolution(Duration.ofSeconds(10), Duration.ofSeconds(30))),
                Duration.ofSeconds(1), Duration.ofSeconds(5));
        MetricResolution resolution = shortRetention.resolutions().get(0);
        try (TopologyFixture fixture = new TopologyFixture(shortRetention, stateDir)) {
            fixture.send(report("c1", URL_A, at(1), requests(1)));
            assertThat(fixture.window(resolution, endpoint(URL_A), ms(at(0)))).isNotNull();

            fixture.send(report("c1", URL_A, at(20), requests(2)));
            assertThat(fixture.window(resolution, endpoint(URL_A), ms(at(0))))
                    .as("still within retention at stream time t+20 s").isNotNull();

            fixture.send(report("c1", URL_A, at(600), requests(3)));
            assertThat(fixture.window(resolution, endpoint(URL_A), ms(at(0)))).isNull();
            assertThat(fixture.window(resolution, endpoint(URL_A), ms(at(600)))).isNotNull();
        }
    }

    @Test
    void outOfOrderReportWithinGraceIsCountedInItsOwnWindow() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            fixture.send(report("c1", URL_A, at(15), requests(10)), report("c1", URL_A, at(25), requests(30)),
                    report("c1", URL_A, at(12), requests(5)));

            assertThat(metricOf(fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(10))), "c1", MetricType.REQUESTS))
                    .isEqualTo(acc(2, 15, 10));
            assertThat(metricOf(fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(20))), "c1", MetricType.REQUESTS))
                    .isEqualTo(acc(1, 30, 30));
        }
    }

    @Test
    void reportReplayedAfterAFailoverLongerThanASessionTimeoutStillCountsInItsTenSecondWindowByDefault() {
        try (TopologyFixture fixture = TopologyFixture.withDefaults(stateDir)) {
            // Another upstream task moved stream time on by 45 s (a session timeout) plus a minute of
            // restore before the dead instance's report, replayed, reaches the window.
            fixture.send(report("c1", URL_A, at(5), requests(10)), report("c2", URL_A, at(110), requests(1)),
                    report("c1", URL_A, at(7), requests(15)));

            assertThat(metricOf(fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(0))), "c1", MetricType.REQUESTS))
                    .isEqualTo(acc(2, 25, 15));
        }
    }

    @Test
    void reportLaterThanGraceIsDroppedFromItsClosedWindowButCountsInTheOpenCoarserOne() {
        try (TopologyFixture fixture = new TopologyFixture(THIRTY_SECOND_GRACE, stateDir)) {
            // The 10 s window [t, t+10 s) closes at t+40 s (30 s grace); the 5 min one at t+330 s.
            fixture.send(report("c1", URL_A, at(5), requests(10)), report("c1", URL_A, at(60), requests(20)),
                    report("c1", URL_A, at(7), requests(15)));

            assertThat(metricOf(fixture.window(TEN_SECONDS, endpoint(URL_A), ms(at(0))), "c1", MetricType.REQUESTS))
                    .isEqualTo(acc(1, 10, 10));
            assertThat(metricOf(fixture.window(FIVE_MINUTES, endpoint(URL_A), ms(at(0))), "c1", MetricType.REQUESTS))
                    .isEqualTo(acc(3, 45, 20));
        }
    }

    @Test
    void closedWindowsArePublishedOnceToMetricWindowsAndOpenOnesAreNot() {
        try (TopologyFixture fixture = new TopologyFixture(THIRTY_SECOND_GRACE, stateDir)) {
            fixture.send(report("c1", URL_A, at(1), requests(7)));
            assertThat(fixture.metricWindows.isEmpty()).as("nothing closed yet").isTrue();

            fixture.send(report("c1", URL_A, at(45), requests(9)));
            WindowAggregate first = aggregate(acc(1, 7, 7));
            assertThat(fixture.metricWindows.readKeyValuesToList()).containsExactly(KeyValue.pair(endpoint(URL_A),
                    new MetricWindow(COMPANY, URL_A, 10, ms(at(0)), ms(at(10)), first)));

            fixture.send(report("c1", URL_A, at(331), requests(11)));
            List<MetricWindow> published = fixture.metricWindows.readValuesToList();
            assertThat(published).filteredOn(w -> w.resolutionSec() == 300).containsExactly(
                    new MetricWindow(COMPANY, URL_A, 300, ms(at(0)), ms(at(300)), aggregate(acc(2, 16, 9))));
            assertThat(published).filteredOn(w -> w.resolutionSec() == 10).containsExactly(
                    new MetricWindow(COMPANY, URL_A, 10, ms(at(40)), ms(at(50)), aggregate(acc(1, 9, 9))));
        }
    }

    @Test
    void storeRetentionIsNeverShorterThanWindowPlusGrace() {
        MetricResolution tight = new MetricResolution(Duration.ofSeconds(10), Duration.ofSeconds(10));

        assertThat(MetricWindows.storeRetention(tight, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(40));
        assertThat(MetricWindows.storeRetention(FIVE_MINUTES, Duration.ofSeconds(30))).isEqualTo(Duration.ofDays(90));
    }

    private static MetricAccumulator metricOf(WindowAggregate aggregate, String containerId, MetricType metric) {
        ContainerSample sample = aggregate.containers().get(containerId);
        return sample == null ? null : sample.metrics().get(metric);
    }

    /** The aggregate of container c1 whose reports carried only the request counter among the metrics. */
    private static WindowAggregate aggregate(MetricAccumulator requests) {
        return new WindowAggregate(Map.of("c1", new ContainerSample(Map.of(MetricType.REQUESTS, requests))));
    }

    private static MetricAccumulator acc(long count, double sum, double max) {
        return new MetricAccumulator(count, sum, max);
    }

    private static MachineStats stats(List<Double> cpu, List<Double> gpu, double memoryUsedMb, double memoryFreeMb,
                                      List<Double> gpuMemoryUsedMb, List<Double> gpuMemoryFreeMb, double rx, double tx) {
        return new MachineStats(cpu, gpu, memoryUsedMb, memoryFreeMb, gpuMemoryFreeMb, gpuMemoryUsedMb, tx, rx,
                null, null, null, null, null, null);
    }
}
