package io.servingmonitor.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.topics.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A read action as instances ask each other for it: its name in the internal path, the type of
 * its answer, how one instance reads it from its stores, and how the answers of several
 * partitions are joined.
 *
 * @param <R> the answer, the same record the public action answers
 */
public final class PeerAction<R> {

    public static final PeerAction<EndpointsResponse> GET_ENDPOINTS = new PeerAction<>(
            "get_endpoints", EndpointsResponse.class,
            (queries, query) -> queries.endpoints(query.company(), query.nowMs()),
            QueryMerge::endpoints);

    public static final PeerAction<LoadingInstancesResponse> GET_LOADING_INSTANCES = new PeerAction<>(
            "get_loading_instances", LoadingInstancesResponse.class,
            (queries, query) -> queries.loadingInstances(query.company(), query.nowMs()),
            QueryMerge::loadingInstances);

    public static final PeerAction<EndpointDetails> GET_ENDPOINT_DETAILS = new PeerAction<>(
            "get_endpoint_details", EndpointDetails.class,
            (queries, query) -> queries.endpointDetails(query.company(), endpointUrl(query.request()), query.nowMs()),
            QueryMerge::single);

    public static final PeerAction<MetricsHistoryResponse> GET_ENDPOINT_METRICS_HISTORY = new PeerAction<>(
            "get_endpoint_metrics_history", MetricsHistoryResponse.class,
            (queries, query) -> queries.metricsHistory(query.company(), historyRequest(query.request()), query.nowMs()),
            QueryMerge::single);

    /** Not a public action: whether a container is registered, for the ingest's strict registration modes. */
    public static final PeerAction<ContainerRegistration> CONTAINER_REGISTERED = new PeerAction<>(
            "container_registered", ContainerRegistration.class,
            (queries, query) -> queries.containerRegistered(query.company(), containerId(query.request()), query.nowMs()),
            QueryMerge::single);

    private static final Map<String, PeerAction<?>> BY_NAME = Map.of(
            GET_ENDPOINTS.name, GET_ENDPOINTS,
            GET_LOADING_INSTANCES.name, GET_LOADING_INSTANCES,
            GET_ENDPOINT_DETAILS.name, GET_ENDPOINT_DETAILS,
            GET_ENDPOINT_METRICS_HISTORY.name, GET_ENDPOINT_METRICS_HISTORY,
            CONTAINER_REGISTERED.name, CONTAINER_REGISTERED);

    private final String name;
    private final Class<R> answerType;
    private final BiFunction<ServingQueries, PeerQuery, R> read;
    private final Function<List<R>, R> merge;

    private PeerAction(String name, Class<R> answerType, BiFunction<ServingQueries, PeerQuery, R> read,
                       Function<List<R>, R> merge) {
        this.name = name;
        this.answerType = answerType;
        this.read = read;
        this.merge = merge;
    }

    /** The action of an internal path segment, e.g. {@code get_endpoints}. */
    public static Optional<PeerAction<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The path segment and token claim, e.g. {@code get_endpoints}. */
    public String name() {
        return name;
    }

    public Class<R> answerType() {
        return answerType;
    }

    /** Reads the action from {@code queries} (already scoped to a partition, or whole). */
    R read(ServingQueries queries, PeerQuery query) {
        return read.apply(queries, query);
    }

    /** Joins the answers of several partitions. */
    R merge(List<R> parts) {
        return merge.apply(parts);
    }

    @Override
    public String toString() {
        return name;
    }

    private static String endpointUrl(JsonNode request) {
        return requiredString(request, "endpoint_url");
    }

    private static String containerId(JsonNode request) {
        return requiredString(request, "container_id");
    }

    private static String requiredString(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || !value.isTextual()) {
            throw ApiException.malformedRequest("request." + field + " must be a string");
        }
        return value.asText();
    }

    private static MetricsHistoryRequest historyRequest(JsonNode request) {
        for (String field : List.of("endpoint_url", "from_ms", "to_ms", "interval_sec", "metric_type")) {
            if (!request.hasNonNull(field)) {
                throw ApiException.malformedRequest("request." + field + " is missing");
            }
        }
        MetricsHistoryRequest history;
        try {
            history = Json.mapper().treeToValue(request, MetricsHistoryRequest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw ApiException.malformedRequest("request is not a metrics history request");
        }
        if (!history.withinBounds()) {
            throw ApiException.malformedRequest("request is outside the bounds of a metrics history request");
        }
        return history;
    }
}
