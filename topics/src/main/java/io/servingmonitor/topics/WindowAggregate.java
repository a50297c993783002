package io.servingmonitor.topics;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metrics of one endpoint over one time window, per container: the value of the windowed
 * metric stores and of {@link MetricWindow}.
 */
public record WindowAggregate(Map<String, ContainerSample> containers) {

    public static final WindowAggregate EMPTY = new WindowAggregate(Map.of());

    public WindowAggregate {
        containers = Map.copyOf(containers);
    }

    /** This aggregate with one status report of {@code containerId} added. */
    public WindowAggregate add(String containerId, LoadReport report) {
        Map<String, ContainerSample> next = new HashMap<>(containers);
        next.put(containerId, containers.getOrDefault(containerId, ContainerSample.EMPTY).add(report));
        return new WindowAggregate(next);
    }

    /** This aggregate merged with another window's (per container). */
    public WindowAggregate merge(WindowAggregate other) {
        Map<String, ContainerSample> next = new TreeMap<>(containers);
        other.containers.forEach((id, sample) -> next.merge(id, sample, ContainerSample::merge));
        return new WindowAggregate(next);
    }
}
