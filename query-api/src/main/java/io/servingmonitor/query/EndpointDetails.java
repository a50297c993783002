package io.servingmonitor.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer of {@code get_endpoint_details}: the endpoint as its most recently heard container
 * describes it, the max uptime and latest update over its containers, and each container.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EndpointDetails(
        String endpoint,
        String model,
        String url,
        String preprocessArtifact,
        String inputType,
        String inputSize,
        String modelSource,
        String modelVersion,
        long uptimeSec,
        String lastUpdate,
        List<InstanceDetails> instances) {
}
