package io.servingmonitor.processor.registry;

import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerEvent;

/**
 * What one event did to the registry, as the registry processor forwards it downstream (in memory,
 * never serialized): the entry before and after, and the status report that came with it, if any.
 * {@code before} is null for a new container, {@code after} null when the container unregistered
 * or expired. A report that was too old to change the registry is forwarded alone
 * ({@link #reportOnly}): its metrics still count in their windows.
 */
public record RegistryChange(RegistryEntry before, ContainerEntry after, ContainerEvent report) {

    public RegistryChange {
        if (before == null && after == null && report == null) {
            throw new IllegalArgumentException("a registry change needs a before, an after or a report");
        }
    }

    public static RegistryChange reportOnly(ContainerEvent report) {
        return new RegistryChange(null, null, report);
    }

    /** Whether the registry itself changed (not only a late report passing through). */
    public boolean changedRegistry() {
        return before != null || after != null;
    }
}
