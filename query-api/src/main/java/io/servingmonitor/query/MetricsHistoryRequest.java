package io.servingmonitor.query;

import io.servingmonitor.topics.MetricType;

/**
 * A validated {@code get_endpoint_metrics_history} request.
 *
 * @param fromMs      range start, epoch ms (the API takes seconds), from 0 to {@link #MAX_DATE_MS}
 * @param toMs        range end, epoch ms, after {@code fromMs}, at most {@link #MAX_DATE_MS}
 * @param intervalSec the requested interval, from 1 to {@link #MAX_INTERVAL_SEC}
 */
public record MetricsHistoryRequest(String endpointUrl, long fromMs, long toMs, long intervalSec,
                                    MetricType metricType, boolean instanceCharts) {

    /** Latest accepted date, epoch seconds: the last second of year 9999. */
    public static final long MAX_DATE_SEC = 253_402_300_799L;
    /** {@link #MAX_DATE_SEC} in epoch ms. */
    public static final long MAX_DATE_MS = MAX_DATE_SEC * 1000L;
    /** Longest accepted interval: 100 years of 365.25 days (3,155,760,000 s). */
    public static final long MAX_INTERVAL_SEC = 36_525L * 86_400L;

    /** Whether every field is within the bounds above, so that planning it cannot overflow. */
    public boolean withinBounds() {
        return fromMs >= 0 && toMs <= MAX_DATE_MS && fromMs <= toMs
                && intervalSec >= 1 && intervalSec <= MAX_INTERVAL_SEC;
    }
}
