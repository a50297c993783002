package io.servingmonitor.processor.registry;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ModelInfo;

/**
 * A container that has no endpoint url yet, as {@code get_loading_instances} shows it: the value of
 * {@link ContainerRegistry#LOADING_STORE}, so that the answer reads only loading containers.
 * JSON; {@code region} (the region of the node that took its latest register or report) is left
 * out when absent, so values written before regions existed read as without region.
 */
public record LoadingEntry(
        String endpointName,
        String modelName,
        String modelSource,
        String modelVersion,
        String preprocessArtifact,
        String inputType,
        String inputSize,
        Long uptimeSec,
        long registeredAtMs,
        long lastActivityMs,
        int timeoutSec,
        String region) {

    public static LoadingEntry of(ContainerEntry entry) {
        ModelInfo m = entry.model();
        return new LoadingEntry(m.endpointName(), m.modelName(), m.modelSource(), m.modelVersion(),
                m.preprocessArtifact(), m.inputType(), m.inputSize(), entry.load().uptimeSec(),
                entry.registeredAtMs(), entry.lastActivityMs(), entry.timeoutSec(), entry.region());
    }

    @JsonIgnore
    public long expiresAtMs() {
        return lastActivityMs + timeoutSec * 1000L;
    }

    public boolean isLiveAt(long nowMs) {
        return nowMs < expiresAtMs();
    }
}
