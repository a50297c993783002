package io.servingmonitor.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The report values of {@link InstanceKillScenario} make a window's latency mean, as a chart
 * shows it (2 decimals), change by more than the check's 0.011 tolerance whenever one of its
 * reports is counted twice or not at all.
 */
class ReportValuesTest {

    @Test
    void aReportCountedTwiceOrMissingMovesItsWindowsLatencyMeanBeyondChartRounding() {
        // Every run of 2 to 30 consecutive report numbers of a container, as a 10 s window holds them.
        for (long first = 1; first <= 90; first++) {
            for (int size = 2; size <= 30; size++) {
                List<Long> window = new ArrayList<>();
                for (long n = first; n < first + size; n++) {
                    window.add(InstanceKillScenario.latencyOf(n));
                }
                double mean = mean(window);
                for (int i = 0; i < size; i++) {
                    List<Long> twice = new ArrayList<>(window);
                    twice.add(window.get(i));
                    List<Long> missing = new ArrayList<>(window);
                    missing.remove(i);
                    assertThat(Math.abs(mean(twice) - mean)).as("report %d of %d..%d twice", i, first, first + size)
                            .isGreaterThan(0.1);
                    assertThat(Math.abs(mean(missing) - mean)).as("report %d of %d..%d missing", i, first, first + size)
                            .isGreaterThan(0.1);
                }
            }
        }
    }

    @Test
    void latenciesStayWithinTheReportCap() {
        for (long n = 0; n < 1_000; n++) {
            assertThat(InstanceKillScenario.latencyOf(n)).isPositive().isLessThanOrEqualTo(1_000_000_000_000_000L);
        }
    }

    private static double mean(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).average().orElseThrow();
    }
}
