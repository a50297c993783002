package io.servingmonitor.processor.endpoints;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.servingmonitor.topics.CompactBytes;
import io.servingmonitor.topics.CompactSerde;
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
 *
 * @param region the region of the ingest node that took the container's latest register or
 *               report, null when that node had none
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
        long expiresAtMs,
        String region) {

    public EndpointMember {
        reference = reference == null ? List.of() : List.copyOf(reference);
    }

    /** A member without region. */
    public EndpointMember(String containerId, String endpointName, String modelName, String modelSource,
                          String modelVersion, String preprocessArtifact, String inputType, String inputSize,
                          List<ReferenceItem> reference, Long uptimeSec, Long requestsNum, Double requestsMin,
                          Long latencyMs, int cpuCount, int gpuCount, long lastActivityMs, long expiresAtMs) {
        this(containerId, endpointName, modelName, modelSource, modelVersion, preprocessArtifact, inputType, inputSize,
                reference, uptimeSec, requestsNum, requestsMin, latencyMs, cpuCount, gpuCount, lastActivityMs,
                expiresAtMs, null);
    }

    /** Format 1: no region. Written for a member without region, so such values keep their bytes. */
    private static final int WITHOUT_REGION = 1;
    /** Format 2: format 1's fields, then the region. */
    private static final int WITH_REGION = 2;

    /**
     * The binary form in {@link EndpointView#MEMBERS_STORE} and on the repartition topic: format 1
     * without region (the bytes of every value written before regions existed), format 2 (the same
     * fields, then the region) with one. Both are read.
     */
    public static final CompactSerde.Codec<EndpointMember> CODEC = new CompactSerde.Codec<>() {
        @Override
        public void write(EndpointMember m, CompactBytes.Writer out) {
            out.putByte(m.region == null ? WITHOUT_REGION : WITH_REGION).putString(m.containerId).putString(m.endpointName).putString(m.modelName)
                    .putString(m.modelSource).putString(m.modelVersion).putString(m.preprocessArtifact)
                    .putString(m.inputType).putString(m.inputSize).putInt(m.reference.size());
            m.reference.forEach(item -> out.putString(item.type()).putString(item.value()));
            out.putNullableLong(m.uptimeSec).putNullableLong(m.requestsNum).putNullableDouble(m.requestsMin)
                    .putNullableLong(m.latencyMs).putInt(m.cpuCount).putInt(m.gpuCount)
                    .putLong(m.lastActivityMs).putLong(m.expiresAtMs);
            if (m.region != null) {
                out.putString(m.region);
            }
        }

        @Override
        public EndpointMember read(CompactBytes.Reader in) {
            int format = in.expectFormat(WITHOUT_REGION, WITH_REGION);
            String id = in.getString();
            String endpointName = in.getString();
            String modelName = in.getString();
            String modelSource = in.getString();
            String modelVersion = in.getString();
            String preprocess = in.getString();
            String inputType = in.getString();
            String inputSize = in.getString();
            int references = in.getInt();
            if (references < 0 || references > 1_000_000) {
                throw new org.apache.kafka.common.errors.SerializationException("bad reference count " + references);
            }
            List<ReferenceItem> reference = new java.util.ArrayList<>(references);
            for (int i = 0; i < references; i++) {
                reference.add(new ReferenceItem(in.getString(), in.getString()));
            }
            Long uptime = in.getNullableLong();
            Long requests = in.getNullableLong();
            Double requestsMin = in.getNullableDouble();
            Long latency = in.getNullableLong();
            int cpuCount = in.getInt();
            int gpuCount = in.getInt();
            long lastActivity = in.getLong();
            long expiresAt = in.getLong();
            String region = format == WITH_REGION ? in.getString() : null;
            return new EndpointMember(id, endpointName, modelName, modelSource, modelVersion, preprocess, inputType,
                    inputSize, reference, uptime, requests, requestsMin, latency, cpuCount, gpuCount, lastActivity,
                    expiresAt, region);
        }
    };

    public static EndpointMember of(ContainerEntry entry) {
        ModelInfo m = entry.model();
        LoadReport load = entry.load();
        MachineStats stats = load.machineStats();
        int cpuCount = stats == null || stats.cpuUsage() == null ? 0 : stats.cpuUsage().size();
        int gpuCount = stats == null || stats.gpuUsage() == null ? 0 : stats.gpuUsage().size();
        return new EndpointMember(entry.containerId(), m.endpointName(), m.modelName(), m.modelSource(),
                m.modelVersion(), m.preprocessArtifact(), m.inputType(), m.inputSize(), m.reference(),
                load.uptimeSec(), load.requestsNum(), load.requestsMin(), load.latencyMs(), cpuCount, gpuCount,
                entry.lastActivityMs(), entry.expiresAtMs(), entry.region());
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
