package io.servingmonitor.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.topics.MetricType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryPlanTest {

    private static final MetricResolution FINE = new MetricResolution(Duration.ofSeconds(10), Duration.ofDays(2));
    private static final MetricResolution COARSE = new MetricResolution(Duration.ofMinutes(5), Duration.ofDays(90));
    private static final List<MetricResolution> RESOLUTIONS = List.of(FINE, COARSE);
    private static final long NOW_MS = 1_800_000_000_000L;

    private static MetricsHistoryRequest request(long fromSec, long toSec, long interval) {
        return new MetricsHistoryRequest("u", fromSec * 1000, toSec * 1000, interval, MetricType.REQUESTS, true);
    }

    @Test
    void shortRangeWithIntervalOneIsServedAtTheFortySecondMinimum() {
        long to = NOW_MS / 1000;
        HistoryPlan plan = HistoryPlan.of(request(to - 600, to, 1), RESOLUTIONS, QueryConfig.defaults(), NOW_MS);

        assertThat(plan.computedIntervalSec()).isEqualTo(40);
        assertThat(plan.resolution()).isEqualTo(FINE);
    }

    @Test
    void bucketsAreAlignedToTheIntervalAndTheUnfinishedLastOneIsDropped() {
        long base = (NOW_MS / 1000 / 40) * 40 - 4000;
        HistoryPlan plan = HistoryPlan.of(request(base + 10, base + 210, 40), RESOLUTIONS, QueryConfig.defaults(), NOW_MS);

        // to - 0.9 * 40 = base + 174: the bucket starting at base + 200 is unfinished.
        assertThat(plan.buckets()).containsExactly(
                base * 1000, (base + 40) * 1000, (base + 80) * 1000, (base + 120) * 1000, (base + 160) * 1000);
        assertThat(plan.fetchFromMs()).isEqualTo((base + 10) * 1000);
    }

    @Test
    void rangeOlderThanTheFineRetentionIsReadFromCoarseWindowsAtAMultipleOfTheirSize() {
        long to = NOW_MS / 1000 - Duration.ofDays(5).toSeconds();
        HistoryPlan plan = HistoryPlan.of(request(to - 3600, to, 60), RESOLUTIONS, QueryConfig.defaults(), NOW_MS);

        assertThat(plan.resolution()).isEqualTo(COARSE);
        assertThat(plan.computedIntervalSec()).isEqualTo(300);
    }

    @Test
    void rangeNeedingTooManyFineWindowsIsReadFromCoarseWindows() {
        long to = NOW_MS / 1000;
        HistoryPlan plan = HistoryPlan.of(request(to - Duration.ofDays(1).toSeconds(), to, 100), RESOLUTIONS,
                QueryConfig.defaults(), NOW_MS);

        assertThat(plan.resolution()).isEqualTo(COARSE);
        assertThat(plan.computedIntervalSec()).isEqualTo(300);
    }

    @Test
    void intervalIsRaisedSoAChartNeverHasMoreThanTheBucketLimit() {
        long to = NOW_MS / 1000;
        QueryConfig config = new QueryConfig(Duration.ofSeconds(40), 5_000, 100, Duration.ofSeconds(1));
        HistoryPlan plan = HistoryPlan.of(request(to - 36_000, to, 40), RESOLUTIONS, config, NOW_MS);

        assertThat(plan.computedIntervalSec()).isEqualTo(360);
        assertThat(plan.buckets()).hasSizeLessThanOrEqualTo(101);
    }
}
