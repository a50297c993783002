package io.servingmonitor.topics;

import java.util.Objects;

/**
 * One accepted write, as published on {@link Topics#CONTAINER_EVENTS} under its {@link ContainerKey}.
 *
 * @param type        which write
 * @param company     the tenant, taken from the caller's credentials (never from the body)
 * @param containerId the container
 * @param timestampMs when the ingest API accepted the call (epoch ms); also the record timestamp
 * @param ip          the caller's address (honouring a trusted proxy's forwarding headers), may be null
 * @param timeoutSec  the registration timeout; only on {@code REGISTER}
 * @param model       what the container serves; null on {@code UNREGISTER}
 * @param load        the load figures; only on {@code STATUS_REPORT}
 */
public record ContainerEvent(
        ContainerEventType type,
        String company,
        String containerId,
        long timestampMs,
        String ip,
        Integer timeoutSec,
        ModelInfo model,
        LoadReport load) {

    public ContainerEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(containerId, "containerId");
    }

    public ContainerKey key() {
        return new ContainerKey(company, containerId);
    }
}
