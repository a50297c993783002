package io.servingmonitor.processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What shapes the topology: the metric resolutions aggregated from the reports (finest first), how
 * often the registry looks for expired containers (wall-clock), how long a metric window waits for
 * late reports, how far an event's own time may be from the broker's append time before the append
 * time replaces it ({@link EventTimeExtractor}), and the rollups: coarser resolutions built from
 * the closed windows of the coarsest report resolution (finest first; see
 * {@link io.servingmonitor.processor.metrics.MetricRollups}).
 */
public record ProcessorConfig(List<MetricResolution> resolutions, Duration expiryScanInterval, Duration metricGrace,
                              Duration maxClockSkew, List<MetricResolution> rollups) {

    /** 10 s: far below the default grace, so even the largest trusted skew cannot make honest reports late. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(10);

    /** 1 h windows kept 90 days, built from the closed 5 min windows: what long charts read. */
    public static final MetricResolution DEFAULT_ROLLUP = new MetricResolution(Duration.ofHours(1), Duration.ofDays(90));

    /** With {@link #DEFAULT_MAX_CLOCK_SKEW} and no rollups. */
    public ProcessorConfig(List<MetricResolution> resolutions, Duration expiryScanInterval, Duration metricGrace) {
        this(resolutions, expiryScanInterval, metricGrace, DEFAULT_MAX_CLOCK_SKEW);
    }

    /** With no rollups. */
    public ProcessorConfig(List<MetricResolution> resolutions, Duration expiryScanInterval, Duration metricGrace,
                           Duration maxClockSkew) {
        this(resolutions, expiryScanInterval, metricGrace, maxClockSkew, List.of());
    }

    /**
     * How long a metric window waits for late reports unless told otherwise: 5 minutes, longer than
     * a failover of the documented length (Kafka's 45 s session timeout before a dead instance's
     * tasks move, then their restore, bounded by a minute in the fault tests), so that the reports
     * a surviving instance replays after taking over still count in their windows. A longer grace
     * publishes closed windows to {@code metric-windows} later; reads see open windows anyway.
     */
    public static final Duration DEFAULT_METRIC_GRACE = Duration.ofMinutes(5);

    public ProcessorConfig {
        if (maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("the max clock skew must not be negative: " + maxClockSkew);
        }
        if (expiryScanInterval.isNegative() || expiryScanInterval.isZero()) {
            throw new IllegalArgumentException("the expiry scan interval must be positive: " + expiryScanInterval);
        }
        if (metricGrace.isNegative()) {
            throw new IllegalArgumentException("the metric grace must not be negative: " + metricGrace);
        }
        resolutions = finestFirst(resolutions);
        rollups = rollups.isEmpty() ? List.of() : finestFirst(rollups);
        for (MetricResolution rollup : rollups) {
            if (!fitsAsRollup(rollup, resolutions)) {
                MetricResolution coarsest = resolutions.get(resolutions.size() - 1);
                throw new IllegalArgumentException("a rollup window must be a multiple of the coarsest resolution's window "
                        + coarsest.windowSeconds() + "s and larger, not " + rollup.windowSeconds() + "s");
            }
        }
    }

    /**
     * Whether {@code rollup} can be built from the closed windows of the coarsest of
     * {@code resolutions} (finest first): its window is a larger multiple of that one's.
     */
    public static boolean fitsAsRollup(MetricResolution rollup, List<MetricResolution> resolutions) {
        Duration coarsest = resolutions.get(resolutions.size() - 1).window();
        return rollup.window().compareTo(coarsest) > 0 && rollup.window().toMillis() % coarsest.toMillis() == 0;
    }

    /** Every stored resolution, the reports' and the rollups', finest first: what charts may read. */
    public List<MetricResolution> storedResolutions() {
        List<MetricResolution> all = new ArrayList<>(resolutions);
        all.addAll(rollups);
        return finestFirst(all);
    }

    /** The same topology with these {@code rollups}. */
    public ProcessorConfig withRollups(List<MetricResolution> rollups) {
        return new ProcessorConfig(resolutions, expiryScanInterval, metricGrace, maxClockSkew, rollups);
    }

    /**
     * {@code resolutions} finest first, as this configuration keeps them.
     *
     * @throws IllegalArgumentException when there is none, or two have the same window
     */
    public static List<MetricResolution> finestFirst(List<MetricResolution> resolutions) {
        if (resolutions.isEmpty()) {
            throw new IllegalArgumentException("at least one metric resolution is needed");
        }
        List<MetricResolution> sorted = resolutions.stream().sorted(Comparator.comparing(MetricResolution::window)).toList();
        if (sorted.stream().map(MetricResolution::window).distinct().count() != sorted.size()) {
            throw new IllegalArgumentException("two metric resolutions have the same window: " + sorted);
        }
        return sorted;
    }

    /** The same topology trusting event times up to {@code skew} from the broker's append time. */
    public ProcessorConfig withMaxClockSkew(Duration skew) {
        return new ProcessorConfig(resolutions, expiryScanInterval, metricGrace, skew, rollups);
    }

    /**
     * 10 s windows kept 2 days and 5 min windows kept 90 days from the reports, and the
     * {@link #DEFAULT_ROLLUP}; expiry checked every second; {@link #DEFAULT_METRIC_GRACE}; 10 s skew.
     */
    public static ProcessorConfig defaults() {
        return new ProcessorConfig(
                List.of(new MetricResolution(Duration.ofSeconds(10), Duration.ofDays(2)),
                        new MetricResolution(Duration.ofMinutes(5), Duration.ofDays(90))),
                Duration.ofSeconds(1),
                DEFAULT_METRIC_GRACE,
                DEFAULT_MAX_CLOCK_SKEW,
                List.of(DEFAULT_ROLLUP));
    }
}
