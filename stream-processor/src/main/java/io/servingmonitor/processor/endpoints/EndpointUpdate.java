package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.ContainerSample;

/**
 * What happens to one container on one endpoint, on its way from the registry to the endpoint's
 * partition (the value of the endpoint update repartition topic, keyed by
 * {@code EndpointContainerKey}, written by {@link EndpointUpdateSerde}): it joins or updates
 * itself ({@code member}), it leaves ({@code left}), and/or one of its status reports brings its
 * metric values for the windows ({@code report}: the sample of that one report).
 */
public record EndpointUpdate(EndpointMember member, boolean left, ContainerSample report) {

    public EndpointUpdate {
        if (member != null && left) {
            throw new IllegalArgumentException("a container cannot join and leave in one update");
        }
    }

    public static EndpointUpdate joined(EndpointMember member, ContainerSample report) {
        return new EndpointUpdate(member, false, report);
    }

    public static EndpointUpdate leftEndpoint() {
        return new EndpointUpdate(null, true, null);
    }

    public static EndpointUpdate reportOnly(ContainerSample report) {
        return new EndpointUpdate(null, false, report);
    }

    /** Whether it changes the endpoint's membership (not only metrics). */
    public boolean changesMembership() {
        return member != null || left;
    }

    /** Whether it brings a report with at least one metric value for the windows. */
    public boolean hasMetrics() {
        return report != null && !report.isEmpty();
    }
}
