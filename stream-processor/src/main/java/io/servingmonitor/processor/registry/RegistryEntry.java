package io.servingmonitor.processor.registry;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.servingmonitor.topics.CompactBytes;
import io.servingmonitor.topics.CompactSerde;
import io.servingmonitor.topics.ContainerEntry;

/**
 * What the registry keeps per container (the value of {@link ContainerRegistry#STORE}): only what
 * its own decisions and the strict registration check need, a few dozen bytes. What a container
 * serves and its load go to the endpoint view and the {@code container-state} topic instead.
 *
 * @param url null while the container is loading
 */
public record RegistryEntry(long registeredAtMs, long lastActivityMs, int timeoutSec, String ip, String url) {

    /** The binary form in {@link ContainerRegistry#STORE} (format 1). */
    public static final CompactSerde.Codec<RegistryEntry> CODEC = new CompactSerde.Codec<>() {
        @Override
        public void write(RegistryEntry e, CompactBytes.Writer out) {
            out.putByte(1).putLong(e.registeredAtMs).putLong(e.lastActivityMs).putInt(e.timeoutSec)
                    .putString(e.ip).putString(e.url);
        }

        @Override
        public RegistryEntry read(CompactBytes.Reader in) {
            in.expectFormat(1);
            return new RegistryEntry(in.getLong(), in.getLong(), in.getInt(), in.getString(), in.getString());
        }
    };

    public static RegistryEntry of(ContainerEntry entry) {
        return new RegistryEntry(entry.registeredAtMs(), entry.lastActivityMs(), entry.timeoutSec(), entry.ip(), entry.url());
    }

    /** The first instant (epoch ms) at which the container no longer counts as live. */
    @JsonIgnore
    public long expiresAtMs() {
        return lastActivityMs + timeoutSec * 1000L;
    }

    public boolean isLiveAt(long nowMs) {
        return nowMs < expiresAtMs();
    }
}
