package io.servingmonitor.query;

import io.servingmonitor.topics.ReferenceItem;
import java.util.List;

/** One container of {@code get_endpoint_details} (the ClearML {@code container_instance_stats}). */
public record InstanceDetails(
        String id,
        long uptimeSec,
        long requests,
        double requestsMin,
        long latencyMs,
        String lastUpdate,
        List<ReferenceItem> reference,
        int cpuCount,
        int gpuCount) {
}
