package io.servingmonitor.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.servingmonitor.topics.ReferenceItem;
import java.util.List;

/**
 * One container of {@code get_endpoint_details} (the ClearML {@code container_instance_stats}).
 * {@code region}, our addition (the region of the node that took the container's latest register
 * or report), is in the answer only when set, so that without regions the row is exactly ClearML's.
 */
public record InstanceDetails(
        String id,
        long uptimeSec,
        long requests,
        double requestsMin,
        long latencyMs,
        String lastUpdate,
        List<ReferenceItem> reference,
        int cpuCount,
        int gpuCount,
        @JsonInclude(JsonInclude.Include.NON_NULL) String region) {

    /** A row without region. */
    public InstanceDetails(String id, long uptimeSec, long requests, double requestsMin, long latencyMs, String lastUpdate,
                           List<ReferenceItem> reference, int cpuCount, int gpuCount) {
        this(id, uptimeSec, requests, requestsMin, latencyMs, lastUpdate, reference, cpuCount, gpuCount, null);
    }
}
