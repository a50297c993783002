package io.servingmonitor.launcher;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.servingmonitor.api.ClearMlRoutes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Times every HTTP request: the timer {@code http.server.requests} (Prometheus
 * {@code http_server_requests_seconds_count/_sum/_max/_bucket}) labelled with
 * <ul>
 *   <li>{@code action}: what the matched route serves, e.g. {@code serving.get_endpoints} for both
 *       {@code /serving.get_endpoints} and {@code /v2.31/serving.get_endpoints}, {@code health},
 *       {@code metrics}; {@link #UNKNOWN_ACTION} when no route matched;</li>
 *   <li>{@code status}: the HTTP status, which is ClearML's {@code result_code};</li>
 *   <li>{@code result_subcode}: ClearML's subcode (0 on success), {@link #NO_SUBCODE} for answers
 *       without the ClearML envelope.</li>
 * </ul>
 * Rejected calls are the counts with a status other than 200. Labels come from the route table and
 * fixed code lists, never from the request path or body, so there are few of them and no customer
 * data among them.
 */
final class HttpRequestMetrics {

    static final String TIMER = "http.server.requests";
    static final String UNKNOWN_ACTION = "unknown";
    static final String NO_SUBCODE = "none";

    /** The version segment of a versioned ClearML route, {@code /v{version}/}. */
    private static final Pattern VERSION_SEGMENT = Pattern.compile("^/v\\{[^}/]+}/");
    /** Bucket bounds for the latency histogram: a few, from a fast read to the 10 s Kafka and read timeouts. */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    /** The labels of one timer; few (route table x status x subcode), so every timer is built once and kept. */
    private record Labels(String routePath, int status, Integer subcode) {
    }

    private final MeterRegistry registry;
    private final Map<Labels, Timer> timers = new ConcurrentHashMap<>();

    HttpRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Javalin's request logger: called once a request is answered, with its duration in ms. */
    void record(Context ctx, Float executionTimeMs) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        Labels labels = new Labels(matched == null ? null : matched.path, ctx.statusCode(),
                ClearMlRoutes.resultSubcode(ctx));
        timers.computeIfAbsent(labels, this::timer)
                .record((long) (executionTimeMs * 1_000_000.0), TimeUnit.NANOSECONDS);
    }

    private Timer timer(Labels labels) {
        return Timer.builder(TIMER)
                .description("HTTP requests by ClearML action and answer")
                .tag("action", actionLabel(labels.routePath()))
                .tag("status", Integer.toString(labels.status()))
                .tag("result_subcode", labels.subcode() == null ? NO_SUBCODE : labels.subcode().toString())
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /**
     * The {@code action} label of a matched route path: the path without its leading {@code /} and
     * without a {@code /v{version}} prefix; {@link #UNKNOWN_ACTION} for no route.
     */
    static String actionLabel(String routePath) {
        if (routePath == null || routePath.isEmpty() || routePath.equals("/")) {
            return UNKNOWN_ACTION;
        }
        String unversioned = VERSION_SEGMENT.matcher(routePath).replaceFirst("/");
        return unversioned.startsWith("/") ? unversioned.substring(1) : unversioned;
    }
}
