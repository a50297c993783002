package io.servingmonitor.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
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
    void ninetyDayChartIsReadFromTheHourRollupAtAMultipleOfAnHour() {
        ProcessorConfig defaults = ProcessorConfig.defaults();
        long to = NOW_MS / 1000;
        // 90 days of 5 min windows are 25,920 per container, past the 5,000 a query reads at one resolution.
        HistoryPlan plan = HistoryPlan.of(request(to - Duration.ofDays(89).toSeconds(), to, 600),
                defaults.storedResolutions(), defaults.rollups(), QueryConfig.defaults(), NOW_MS);

        assertThat(plan.resolution()).isEqualTo(ProcessorConfig.DEFAULT_ROLLUP);
        assertThat(plan.computedIntervalSec() % 3600).isZero();
    }

    @Test
    void recentChartAtAnHourIntervalReadsTheReportWindowsNotTheTrailingRollup() {
        ProcessorConfig defaults = ProcessorConfig.defaults();
        long to = NOW_MS / 1000;
        HistoryPlan withRollups = HistoryPlan.of(request(to - 7200, to, 3600),
                defaults.storedResolutions(), defaults.rollups(), QueryConfig.defaults(), NOW_MS);
        HistoryPlan withoutRollups = HistoryPlan.of(request(to - 7200, to, 3600),
                defaults.resolutions(), QueryConfig.defaults(), NOW_MS);

        assertThat(withRollups.resolution()).isEqualTo(COARSE);
        assertThat(withRollups).isEqualTo(withoutRollups);
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

    // The resolution read is the coarsest covering one whose window divides the computed interval.

    @Test
    void twelveHourChartAtAnHourlyIntervalReadsFiveMinuteWindows() {
        long to = NOW_MS / 1000;
        HistoryPlan plan = HistoryPlan.of(request(to - 12 * 3600, to, 3600), RESOLUTIONS, QueryConfig.defaults(), NOW_MS);

        assertThat(plan.resolution()).isEqualTo(COARSE);
        assertThat(plan.computedIntervalSec()).isEqualTo(3600);
        long windows = (plan.fetchToMs() - plan.fetchFromMs()) / COARSE.window().toMillis() + 1;
        assertThat(windows).isLessThanOrEqualTo(145);
    }

    @Test
    void intervalThatTheCoarseWindowDoesNotDivideIsReadFromFineWindows() {
        long to = NOW_MS / 1000;
        HistoryPlan plan = HistoryPlan.of(request(to - 12 * 3600, to, 360), RESOLUTIONS, QueryConfig.defaults(), NOW_MS);

        assertThat(plan.resolution()).isEqualTo(FINE);
        assertThat(plan.computedIntervalSec()).isEqualTo(360);
    }

    @Test
    void shortRecentRangeAtAMultipleOfTheCoarseWindowReadsCoarseWindows() {
        long to = NOW_MS / 1000;
        HistoryPlan plan = HistoryPlan.of(request(to - 3600, to, 600), RESOLUTIONS, QueryConfig.defaults(), NOW_MS);

        assertThat(plan.resolution()).isEqualTo(COARSE);
        assertThat(plan.computedIntervalSec()).isEqualTo(600);
        assertThat(plan.fetchFromMs() % COARSE.window().toMillis()).isZero();
    }

    @Test
    void intervalRaisedByTheBucketLimitToAMultipleOfTheCoarseWindowReadsCoarseWindows() {
        long to = NOW_MS / 1000;
        // 30,000 s need 3,000 fine windows (within the per-query limit), but 50 points need 600 s buckets.
        QueryConfig config = new QueryConfig(Duration.ofSeconds(40), 5_000, 50, Duration.ofSeconds(1));
        HistoryPlan plan = HistoryPlan.of(request(to - 30_000, to, 40), RESOLUTIONS, config, NOW_MS);

        assertThat(plan.computedIntervalSec()).isEqualTo(600);
        assertThat(plan.resolution()).isEqualTo(COARSE);
        assertThat(plan.buckets()).hasSizeLessThanOrEqualTo(51);
    }

    @Test
    void coarserWindowIsNotReadWhenItsRetentionDoesNotCoverTheRange() {
        MetricResolution longFine = new MetricResolution(Duration.ofSeconds(10), Duration.ofDays(30));
        MetricResolution shortCoarse = new MetricResolution(Duration.ofMinutes(5), Duration.ofDays(1));
        long to = NOW_MS / 1000 - Duration.ofDays(2).toSeconds();
        HistoryPlan plan = HistoryPlan.of(request(to - 3600, to, 600), List.of(longFine, shortCoarse),
                QueryConfig.defaults(), NOW_MS);

        assertThat(plan.resolution()).isEqualTo(longFine);
        assertThat(plan.computedIntervalSec()).isEqualTo(600);
    }

    @Test
    void amongThreeResolutionsTheCoarsestDividingOneIsRead() {
        MetricResolution minute = new MetricResolution(Duration.ofMinutes(1), Duration.ofDays(7));
        MetricResolution hour = new MetricResolution(Duration.ofHours(1), Duration.ofDays(90));
        List<MetricResolution> three = List.of(FINE, minute, hour);
        long to = NOW_MS / 1000;
        long from = to - Duration.ofDays(1).toSeconds();

        assertThat(HistoryPlan.of(request(from, to, 3600), three, QueryConfig.defaults(), NOW_MS).resolution())
                .isEqualTo(hour);
        assertThat(HistoryPlan.of(request(from, to, 600), three, QueryConfig.defaults(), NOW_MS).resolution())
                .isEqualTo(minute);
        assertThat(HistoryPlan.of(request(to - 3600, to, 50), three, QueryConfig.defaults(), NOW_MS).resolution())
                .isEqualTo(FINE);
    }

    @Test
    void rangeOlderThanEveryRetentionIsReadFromTheCoarsestWindows() {
        long to = NOW_MS / 1000 - Duration.ofDays(400).toSeconds();
        HistoryPlan plan = HistoryPlan.of(request(to - 3600, to, 40), RESOLUTIONS, QueryConfig.defaults(), NOW_MS);

        assertThat(plan.resolution()).isEqualTo(COARSE);
        assertThat(plan.computedIntervalSec()).isEqualTo(300);
    }

    // Bounds: nothing within them overflows or makes a chart larger than the bucket limit.

    @Test
    void theWidestRangeAtIntervalOneHasAtMostTheBucketLimit() {
        MetricsHistoryRequest widest = new MetricsHistoryRequest("u", 0, MetricsHistoryRequest.MAX_DATE_MS, 1,
                MetricType.REQUESTS, true);
        HistoryPlan plan = HistoryPlan.of(widest, RESOLUTIONS, QueryConfig.defaults(), NOW_MS);

        assertThat(plan.resolution()).isEqualTo(COARSE);
        assertThat(plan.computedIntervalSec() % 300).isZero();
        assertThat(plan.buckets()).hasSizeBetween(1, 10_001);
    }

    @Test
    void theLongestIntervalOverTheWidestRangeIsPlanned() {
        MetricsHistoryRequest longest = new MetricsHistoryRequest("u", 0, MetricsHistoryRequest.MAX_DATE_MS,
                MetricsHistoryRequest.MAX_INTERVAL_SEC, MetricType.REQUESTS, true);
        HistoryPlan plan = HistoryPlan.of(longest, RESOLUTIONS, QueryConfig.defaults(), NOW_MS);

        assertThat(plan.computedIntervalSec()).isEqualTo(MetricsHistoryRequest.MAX_INTERVAL_SEC);
        assertThat(plan.buckets()).hasSizeLessThanOrEqualTo(10_001);
        assertThat(plan.buckets().get(0)).isZero();
    }

    @Test
    void theIntervalThatOverflowedTheBucketStepIsRefusedBeforePlanning() {
        long to = NOW_MS / 1000;
        assertThatThrownBy(() -> HistoryPlan.of(request(to - 3600, to, 18_446_744_073_709_550L), RESOLUTIONS,
                QueryConfig.defaults(), NOW_MS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HistoryPlan.of(new MetricsHistoryRequest("u", -1, 1000, 40, MetricType.REQUESTS, true),
                RESOLUTIONS, QueryConfig.defaults(), NOW_MS)).isInstanceOf(IllegalArgumentException.class);
    }
}
