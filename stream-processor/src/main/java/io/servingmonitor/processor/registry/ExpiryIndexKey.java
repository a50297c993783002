package io.servingmonitor.processor.registry;

import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerKey;
import java.util.Objects;

/**
 * Key of the {@link ContainerRegistry#EXPIRY_INDEX_STORE}: when a container expires, then which
 * container. Its {@link ExpiryIndexKeySerde serialized form} sorts by expiry time first, so the
 * expiry scan reads the due entries in order and stops at the first one not yet due.
 */
public record ExpiryIndexKey(long expiresAtMs, ContainerKey container) {

    public ExpiryIndexKey {
        Objects.requireNonNull(container, "container");
    }

    /** The index key of a registry entry. */
    public static ExpiryIndexKey of(ContainerEntry entry) {
        return new ExpiryIndexKey(entry.expiresAtMs(), entry.key());
    }
}
