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

    /** The binary form in {@link EndpointView#MEMBERS_STORE} and on the repartition topic (format 1). */
    public static final CompactSerde.Codec<EndpointMember> CODEC = new CompactSerde.Codec<>() {
        @Override
        public void write(EndpointMember m, CompactBytes.Writer out) {
            out.putByte(1).putString(m.containerId).putString(m.endpointName).putString(m.modelName)
                    .putString(m.modelSource).putString(m.modelVersion).putString(m.preprocessArtifact)
                    .putString(m.inputType).putString(m.inputSize).putInt(m.reference.size());
            m.reference.forEach(item -> out.putString(item.type()).putString(item.value()));
            out.putNullableLong(m.uptimeSec).putNullableLong(m.requestsNum).putNullableDouble(m.requestsMin)
                    .putNullableLong(m.latencyMs).putInt(m.cpuCount).putInt(m.gpuCount)
                    .putLong(m.lastActivityMs).putLong(m.expiresAtMs);
        }

        @Override
        public EndpointMember read(CompactBytes.Reader in) {
            in.expectFormat(1);
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
            return new EndpointMember(id, endpointName, modelName, modelSource, modelVersion, preprocess, inputType,
                    inputSize, reference, in.getNullableLong(), in.getNullableLong(), in.getNullableDouble(),
                    in.getNullableLong(), in.getInt(), in.getInt(), in.getLong(), in.getLong());
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
