package io.servingmonitor.query;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One row of {@code get_loading_instances} (the ClearML {@code container_info}): a live container
 * that has no endpoint url yet. Every field is present in the answer, null ones as null.
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
        String lastUpdate) {
}
