package io.servingmonitor.query;

/**
 * The answer of the internal {@code container_registered} read.
 *
 * @param registered whether the container is in the registry and not expired at the read's "now"
 */
public record ContainerRegistration(boolean registered) {
}
