package io.servingmonitor.topics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** One container's metrics over one window: an accumulator per metric its reports carried. */
public record ContainerSample(Map<MetricType, MetricAccumulator> metrics) {

    public static final ContainerSample EMPTY = new ContainerSample(Map.of());

    public ContainerSample {
        metrics = metrics.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(metrics));
    }

    /** The sample of one report: each metric it carries, counted once. */
    public static ContainerSample of(LoadReport report) {
        EnumMap<MetricType, MetricAccumulator> metrics = new EnumMap<>(MetricType.class);
        for (MetricType type : MetricType.values()) {
            type.valueIn(report).ifPresent(v -> metrics.put(type, MetricAccumulator.of(v)));
        }
        return new ContainerSample(metrics);
    }

    /** Whether no metric has a value. */
    @JsonIgnore
    public boolean isEmpty() {
        return metrics.isEmpty();
    }

    /** This sample with one more report added. */
    public ContainerSample add(LoadReport report) {
        return add(valuesOf(report));
    }

    /** This sample with one more report's metric values (see {@link #valuesOf}) added. */
    public ContainerSample add(Map<MetricType, Double> reportValues) {
        EnumMap<MetricType, MetricAccumulator> next = copy();
        reportValues.forEach((type, v) -> next.merge(type, MetricAccumulator.of(v), MetricAccumulator::merge));
        return new ContainerSample(next);
    }

    /** The value of every metric that {@code report} carries what it needs for. */
    public static Map<MetricType, Double> valuesOf(LoadReport report) {
        EnumMap<MetricType, Double> values = new EnumMap<>(MetricType.class);
        for (MetricType type : MetricType.values()) {
            type.valueIn(report).ifPresent(v -> values.put(type, v));
        }
        return values;
    }

    /** This sample merged with one of another window of the same container. */
    public ContainerSample merge(ContainerSample other) {
        EnumMap<MetricType, MetricAccumulator> next = copy();
        other.metrics.forEach((type, acc) -> next.merge(type, acc, MetricAccumulator::merge));
        return new ContainerSample(next);
    }

    private EnumMap<MetricType, MetricAccumulator> copy() {
        EnumMap<MetricType, MetricAccumulator> map = new EnumMap<>(MetricType.class);
        map.putAll(metrics);
        return map;
    }
}
