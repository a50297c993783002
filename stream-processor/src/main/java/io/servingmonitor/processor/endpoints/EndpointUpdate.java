package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.MetricType;
import java.util.Map;

/**
 * What happens to one container on one endpoint, on its way from the registry to the endpoint's
 * partition (the value of the endpoint update repartition topic, keyed by
 * {@code EndpointContainerKey}): it joins or updates itself ({@code member}), it leaves
 * ({@code left}), and/or one of its status reports brings metric values for the windows
 * ({@code metrics}: per metric, the report's value).
 */
public record EndpointUpdate(EndpointMember member, boolean left, Map<MetricType, Double> metrics) {

    public EndpointUpdate {
        if (member != null && left) {
            throw new IllegalArgumentException("a container cannot join and leave in one update");
        }
        metrics = metrics == null ? null : Map.copyOf(metrics);
    }

    public static EndpointUpdate joined(EndpointMember member, Map<MetricType, Double> metrics) {
        return new EndpointUpdate(member, false, metrics);
    }

    public static EndpointUpdate leftEndpoint() {
        return new EndpointUpdate(null, true, null);
    }

    public static EndpointUpdate metricsOnly(Map<MetricType, Double> metrics) {
        return new EndpointUpdate(null, false, metrics);
    }

    /** Whether it changes the endpoint's membership (not only metrics). */
    public boolean changesMembership() {
        return member != null || left;
    }
}
