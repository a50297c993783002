package io.servingmonitor.processor.registry;

import io.servingmonitor.topics.ContainerEntry;

/**
 * One change of the registry, as the registry processor forwards it downstream (in memory, never
 * serialized): the entry before and after. {@code before} is null for a new container,
 * {@code after} null when the container unregistered or expired.
 */
public record RegistryChange(ContainerEntry before, ContainerEntry after) {

    public RegistryChange {
        if (before == null && after == null) {
            throw new IllegalArgumentException("a registry change needs a before or an after");
        }
    }
}
