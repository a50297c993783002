package io.servingmonitor.processor.metrics;

import io.servingmonitor.topics.LoadReport;
import java.util.Objects;

/**
 * One status report on its way to the metric windows of its endpoint: which container sent it
 * and its load figures. The value of the metric sample repartition topic, keyed by the endpoint.
 */
public record MetricSample(String containerId, LoadReport load) {

    public MetricSample {
        Objects.requireNonNull(containerId, "containerId");
        load = load == null ? LoadReport.EMPTY : load;
    }
}
