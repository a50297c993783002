package io.servingmonitor.processor.registry;

import io.servingmonitor.topics.ContainerKey;
import java.util.Comparator;
import java.util.Objects;

/**
 * An entry of the registry's in-memory expiry queue: when a container expires, then which
 * container. Ordered by expiry time first, so the expiry scan reads the due entries in order and
 * stops at the first one not yet due.
 */
public record ExpiryIndexKey(long expiresAtMs, ContainerKey container) implements Comparable<ExpiryIndexKey> {

    private static final Comparator<ExpiryIndexKey> ORDER = Comparator.comparingLong(ExpiryIndexKey::expiresAtMs)
            .thenComparing(k -> k.container().company())
            .thenComparing(k -> k.container().containerId());

    public ExpiryIndexKey {
        Objects.requireNonNull(container, "container");
    }

    public static ExpiryIndexKey of(ContainerKey key, RegistryEntry entry) {
        return new ExpiryIndexKey(entry.expiresAtMs(), key);
    }

    @Override
    public int compareTo(ExpiryIndexKey other) {
        return ORDER.compare(this, other);
    }
}
