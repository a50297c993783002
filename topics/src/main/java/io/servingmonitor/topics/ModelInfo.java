package io.servingmonitor.topics;

import java.util.List;

/**
 * What a container serves, as sent in {@code register_container} and {@code container_status_report}
 * (the ClearML {@code serving_model_report}). {@code endpointUrl} is null while the container is
 * still loading. {@code inputSize} is kept as a string, as in the ClearML schema.
 */
public record ModelInfo(
        String endpointName,
        String endpointUrl,
        String modelName,
        String modelSource,
        String modelVersion,
        String preprocessArtifact,
        String inputType,
        String inputSize,
        List<ReferenceItem> reference,
        List<String> tags,
        List<String> systemTags) {

    public ModelInfo {
        reference = reference == null ? null : List.copyOf(reference);
        tags = tags == null ? null : List.copyOf(tags);
        systemTags = systemTags == null ? null : List.copyOf(systemTags);
    }
}
