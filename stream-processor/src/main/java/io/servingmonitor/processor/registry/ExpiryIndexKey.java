package io.servingmonitor.processor.registry;

import io.servingmonitor.topics.ContainerKey;
import java.util.Objects;

/**
 * An entry of the registry's in-memory expiry queue: when a container expires, then which
 * container. Ordered by expiry time first, so the expiry scan reads the due entries in order and
 * stops at the first one not yet due.
 */
public record ExpiryIndexKey(long expiresAtMs, ContainerKey container) implements Comparable<ExpiryIndexKey> {

    public ExpiryIndexKey {
        Objects.requireNonNull(container, "container");
    }

    public static ExpiryIndexKey of(ContainerKey key, RegistryEntry entry) {
        return new ExpiryIndexKey(entry.expiresAtMs(), key);
    }

    @Override
    public int compareTo(ExpiryIndexKey other) {
        int byTime = Long.compare(expiresAtMs, other.expiresAtMs);
        if (byTime != 0) {
            return byTime;
        }
        int byCompany = container.company().compareTo(other.container.company());
        return byCompany != 0 ? byCompany : container.containerId().compareTo(other.container.containerId());
    }
}
