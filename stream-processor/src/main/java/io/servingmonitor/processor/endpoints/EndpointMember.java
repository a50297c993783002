package io.servingmonitor.processor.endpoints;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.ModelInfo;
import io.servingmonitor.topics.ReferenceItem;
import java.util.List;

/**
 * One container serving one endpoint, as the endpoint reads show it: the value of
 * {@link EndpointView#MEMBERS_STORE} under its {@code EndpointContainerKey}. It holds only what
 * {@code get_endpoints} and {@code get_endpoint_details} answer (no tags, no machine stats lists:
 * their counts), so it stays small whatever a container sends.
 */
public record EndpointMember(
        String containerId,
        String endpointName,
        String modelName,
        String modelSource,
        String modelVersion,
        String preprocessArtifact,
        String inputType,
        String inputSize,
        List<ReferenceItem> reference,
        Long uptimeSec,
        Long requestsNum,
        Double requestsMin,
        Long latencyMs,
        int cpuCount,
        int gpuCount,
        long lastActivityMs,
        long expiresAtMs) {

    public EndpointMember {
        reference = reference == null ? List.of() : List.copyOf(reference);
    }

    public static EndpointMember of(ContainerEntry entry) {
        ModelInfo m = entry.model();
        LoadReport load = entry.load();
        MachineStats stats = load.machineStats();
        int cpuCount = stats == null || stats.cpuUsage() == null ? 0 : stats.cpuUsage().size();
        int gpuCount = stats == null || stats.gpuUsage() == null ? 0 : stats.gpuUsage().size();
        return new EndpointMember(entry.containerId(), m.endpointName(), m.modelName(), m.modelSource(),
                m.modelVersion(), m.preprocessArtifact(), m.inputType(), m.inputSize(), m.reference(),
                load.uptimeSec(), load.requestsNum(), load.requestsMin(), load.latencyMs(), cpuCount, gpuCount,
                entry.lastActivityMs(), entry.expiresAtMs());
    }

    /** Whether the container is live at {@code nowMs}; reads filter with it. */
    public boolean isLiveAt(long nowMs) {
        return nowMs < expiresAtMs;
    }

    @JsonIgnore
    public long uptimeOrZero() {
        return uptimeSec == null ? 0 : uptimeSec;
    }

    @JsonIgnore
    public long requestsOrZero() {
        return requestsNum == null ? 0 : requestsNum;
    }
}
