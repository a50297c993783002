package io.servingmonitor.query;

import java.util.Map;

/** The answer of {@code get_endpoint_metrics_history}; {@code instances} is keyed by container id. */
public record MetricsHistoryResponse(long computedInterval, MetricSeries total, Map<String, MetricSeries> instances) {
}
