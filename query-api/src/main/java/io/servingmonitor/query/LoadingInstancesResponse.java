package io.servingmonitor.query;

import java.util.List;

/** The answer of {@code get_loading_instances}. */
public record LoadingInstancesResponse(List<LoadingInstance> instances) {
}
