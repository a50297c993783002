package io.servingmonitor.query;

import java.util.List;

/** One chart line: a title, bucket starts in epoch milliseconds, and a value per bucket. */
public record MetricSeries(String title, List<Long> dates, List<Double> values) {

    public MetricSeries {
        dates = List.copyOf(dates);
        values = List.copyOf(values);
    }
}
