package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.ContainerEntry;
import java.util.Objects;

/**
 * One container joining (or updating itself in) an endpoint, or leaving it: the value of the
 * endpoint membership repartition topic, keyed by the endpoint. {@code entry} is the container's
 * new entry, or null when it left.
 */
public record EndpointMembership(String containerId, ContainerEntry entry) {

    public EndpointMembership {
        Objects.requireNonNull(containerId, "containerId");
        if (entry != null && !entry.containerId().equals(containerId)) {
            throw new IllegalArgumentException("membership of " + containerId + " carries the entry of " + entry.containerId());
        }
    }

    public static EndpointMembership joined(ContainerEntry entry) {
        return new EndpointMembership(entry.containerId(), entry);
    }

    public static EndpointMembership left(String containerId) {
        return new EndpointMembership(containerId, null);
    }
}
