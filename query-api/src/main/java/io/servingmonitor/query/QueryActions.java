package io.servingmonitor.query;

import io.servingmonitor.api.ActionDefinition;
import io.servingmonitor.api.ActionRequest;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.api.RequestBody;
import io.servingmonitor.topics.MetricType;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The read actions of the {@code serving.*} API: validates each request once, then answers it
 * through the {@link QueryRouter} (off the request thread, retrying rebalances): from this
 * instance's stores, or from the instances that hold the partitions it needs.
 */
public final class QueryActions {

    static final String VERSION = "2.31";

    public static final String GET_ENDPOINTS = "serving.get_endpoints";
    public static final String GET_LOADING_INSTANCES = "serving.get_loading_instances";
    public static final String GET_ENDPOINT_DETAILS = "serving.get_endpoint_details";
    public static final String GET_ENDPOINT_METRICS_HISTORY = "serving.get_endpoint_metrics_history";
    /** The names of the read actions. */
    public static final List<String> NAMES = List.of(GET_ENDPOINTS, GET_LOADING_INSTANCES, GET_ENDPOINT_DETAILS,
            GET_ENDPOINT_METRICS_HISTORY);

    private final QueryRouter router;

    /** Every read from this instance's stores (a single instance). */
    public QueryActions(ServingQueries queries, StoreReads reads) {
        this(QueryRouter.localOnly(queries, reads));
    }

    public QueryActions(QueryRouter router) {
        this.router = router;
    }

    public List<ActionDefinition> definitions() {
        return List.of(
                new ActionDefinition(GET_ENDPOINTS, VERSION, this::getEndpoints),
                new ActionDefinition(GET_LOADING_INSTANCES, VERSION, this::getLoadingInstances),
                new ActionDefinition(GET_ENDPOINT_DETAILS, VERSION, this::getEndpointDetails),
                new ActionDefinition(GET_ENDPOINT_METRICS_HISTORY, VERSION, this::getMetricsHistory));
    }

    CompletionStage<EndpointsResponse> getEndpoints(ActionRequest request) {
        return router.endpoints(request.company());
    }

    CompletionStage<LoadingInstancesResponse> getLoadingInstances(ActionRequest request) {
        return router.loadingInstances(request.company());
    }

    CompletionStage<EndpointDetails> getEndpointDetails(ActionRequest request) {
        RequestBody body = request.body();
        body.checkRequired("endpoint_url");
        String url = body.requiredString("endpoint_url");
        return router.endpointDetails(request.company(), url);
    }

    CompletionStage<MetricsHistoryResponse> getMetricsHistory(ActionRequest request) {
        MetricsHistoryRequest history = parseHistoryRequest(request.body());
        return router.metricsHistory(request.company(), history);
    }

    static MetricsHistoryRequest parseHistoryRequest(RequestBody body) {
        body.checkRequired("endpoint_url", "from_date", "to_date", "interval");
        String url = body.requiredString("endpoint_url");
        double from = date(body, "from_date");
        double to = date(body, "to_date");
        long interval = body.optionalLong("interval");
        if (interval < 1) {
            throw ApiException.validation("interval", "must be at least 1");
        }
        if (interval > MetricsHistoryRequest.MAX_INTERVAL_SEC) {
            throw ApiException.validation("interval",
                    "must be at most " + MetricsHistoryRequest.MAX_INTERVAL_SEC + " seconds (100 years)");
        }
        String metricName = body.optionalString("metric_type");
        MetricType metric = metricName == null ? MetricType.REQUESTS : MetricType.fromApiName(metricName)
                .orElseThrow(() -> ApiException.validation("metric_type",
                        "must be one of " + String.join(", ", MetricType.apiNames())));
        Boolean instanceCharts = body.optionalBoolean("instance_charts");
        if (from >= to) {
            throw ApiException.invalidFields("from_date must be earlier than to_date");
        }
        return new MetricsHistoryRequest(url, Math.round(from * 1000), Math.round(to * 1000), interval, metric,
                instanceCharts == null || instanceCharts);
    }

    /** Epoch seconds from 0 to the end of year 9999; anything else is a client error, not a query. */
    private static double date(RequestBody body, String field) {
        double value = body.optionalDouble(field);
        if (!(value >= 0 && value <= MetricsHistoryRequest.MAX_DATE_SEC)) {
            throw ApiException.validation(field, "must be seconds since the epoch between 0 and year 9999");
        }
        return value;
    }
}
