package io.servingmonitor.topics;

import java.util.Objects;

/**
 * One accepted write, as published on {@link Topics#CONTAINER_EVENTS} under its {@link ContainerKey}.
 *
 * @param type        which write
 * @param company     the tenant, taken from the caller's credentials (never from the body)
 * @param containerId the container
 * @param timestampMs when the ingest API accepted the call (epoch ms); the stream processor
 *                    trusts it within a bounded skew of the broker's append time (the record
 *                    timestamp of {@link Topics#CONTAINER_EVENTS}) and takes the append time beyond
 * @param ip          the caller's address (honouring a trusted proxy's forwarding headers), may be null
 * @param timeoutSec  the registration timeout; only on {@code REGISTER}
 * @param model       what the container serves; null on {@code UNREGISTER}
 * @param load        the load figures; only on {@code STATUS_REPORT}
 * @param region      the region of the ingest node that accepted the call ({@code --region}), null
 *                    when that node has none; events written before regions existed have none
 */
public record ContainerEvent(
        ContainerEventType type,
        String company,
        String containerId,
        long timestampMs,
        String ip,
        Integer timeoutSec,
        ModelInfo model,
        LoadReport load,
        String region) {

    /**
     * The most bytes an accepted write's event serializes to (every field at its cap and every
     * character escaped; a ClearML SDK report makes about 1 KB). A larger record on
     * {@link Topics#CONTAINER_EVENTS} was not written by the ingest API and is refused by the
     * stream processor as too large.
     */
    public static final int MAX_SERIALIZED_BYTES = 512 * 1024;
    /** The most bytes of a {@link ContainerKey} of an accepted write (company and id at their caps, escaped). */
    public static final int MAX_KEY_BYTES = 16 * 1024;
    /** What a region name is: a short name (such as {@code eu-west-1}), as the topic schemas declare it. */
    public static final java.util.regex.Pattern REGION_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public ContainerEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(containerId, "containerId");
    }

    /** An event without region (written by a node that has none). */
    public ContainerEvent(ContainerEventType type, String company, String containerId, long timestampMs, String ip,
                          Integer timeoutSec, ModelInfo model, LoadReport load) {
        this(type, company, containerId, timestampMs, ip, timeoutSec, model, load, null);
    }

    /** This event as accepted by a node of {@code region} (null: none). */
    public ContainerEvent inRegion(String region) {
        return Objects.equals(region, this.region) ? this
                : new ContainerEvent(type, company, containerId, timestampMs, ip, timeoutSec, model, load, region);
    }

    public ContainerKey key() {
        return new ContainerKey(company, containerId);
    }

    /** This event at another time (the stream processor's clamped event time). */
    public ContainerEvent at(long timestampMs) {
        return timestampMs == this.timestampMs ? this
                : new ContainerEvent(type, company, containerId, timestampMs, ip, timeoutSec, model, load, region);
    }
}
