package io.servingmonitor.query;

import java.time.Duration;

/**
 * Limits of the read side.
 *
 * @param minChartInterval   the smallest chart interval served (ClearML: 40 s); a smaller request is raised to it
 * @param maxWindowsPerQuery the most stored windows one history query reads at one resolution before a coarser one is used
 * @param maxBuckets         the most points one chart returns; the interval is raised to stay within it
 * @param readTimeout        how long a read may wait for stores that are rebalancing before it answers 503
 */
public record QueryConfig(Duration minChartInterval, int maxWindowsPerQuery, int maxBuckets, Duration readTimeout) {

    public QueryConfig {
        if (minChartInterval.toSeconds() < 1) {
            throw new IllegalArgumentException("the minimum chart interval must be at least 1 s");
        }
        if (maxWindowsPerQuery < 1 || maxBuckets < 1) {
            throw new IllegalArgumentException("query limits must be positive");
        }
    }

    public static QueryConfig defaults() {
        return new QueryConfig(Duration.ofSeconds(40), 5_000, 10_000, Duration.ofSeconds(10));
    }
}
