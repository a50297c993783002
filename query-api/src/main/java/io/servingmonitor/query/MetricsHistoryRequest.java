package io.servingmonitor.query;

import io.servingmonitor.topics.MetricType;

/**
 * A validated {@code get_endpoint_metrics_history} request.
 *
 * @param fromMs      range start, epoch ms (the API takes seconds)
 * @param toMs        range end, epoch ms, after {@code fromMs}
 * @param intervalSec the requested interval, at least 1
 */
public record MetricsHistoryRequest(String endpointUrl, long fromMs, long toMs, long intervalSec,
                                    MetricType metricType, boolean instanceCharts) {
}
