package io.servingmonitor.query;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One row of {@code get_loading_instances} (the ClearML {@code container_info}): a live container
 * that has no endpoint url yet. Every ClearML field is present in the answer, null ones as null.
 * {@code region}, our addition (the region of the node that took the container's latest register
 * or report), is in the answer only when set, so that without regions the row is exactly ClearML's.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LoadingInstance(
        String id,
        String endpoint,
        String url,
        String model,
        String modelSource,
        String modelVersion,
        String preprocessArtifact,
        String inputType,
        String inputSize,
        long uptimeSec,
        long ageSec,
        String lastUpdate,
        @JsonInclude(JsonInclude.Include.NON_NULL) String region) {

    /** A row without region. */
    public LoadingInstance(String id, String endpoint, String url, String model, String modelSource, String modelVersion,
                           String preprocessArtifact, String inputType, String inputSize, long uptimeSec, long ageSec,
                           String lastUpdate) {
        this(id, endpoint, url, model, modelSource, modelVersion, preprocessArtifact, inputType, inputSize, uptimeSec,
                ageSec, lastUpdate, null);
    }
}
