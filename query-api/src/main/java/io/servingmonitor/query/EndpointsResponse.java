package io.servingmonitor.query;

import io.servingmonitor.topics.EndpointStats;
import java.util.List;

/** The answer of {@code get_endpoints}: one row per live endpoint url. */
public record EndpointsResponse(List<EndpointStats> endpoints) {
}
