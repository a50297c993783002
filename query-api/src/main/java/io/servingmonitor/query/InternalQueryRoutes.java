package io.servingmonitor.query;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.api.Envelope;
import io.servingmonitor.topics.Json;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The endpoint on which instances ask each other for reads: {@code POST /internal/query/<action>}
 * ({@code get_endpoints}, {@code get_loading_instances}, {@code get_endpoint_details},
 * {@code get_endpoint_metrics_history}, and {@code container_registered}, which is no public
 * action but serves the ingest's strict registration modes) with a {@link PeerQuery} body, answered from this
 * instance's stores only (it never forwards) in the ClearML envelope, {@code data} being the same
 * record the public action answers.
 *
 * <p>A {@code container_registered} query that names no partitions comes from a node without
 * stores (an ingest node, {@link RemoteRegistry}): it is answered through the router, which locates
 * the registry partition and reads it here or asks its owner (with partitions named, so that call
 * is answered locally: still forwarded at most once).
 *
 * <p>Only instances of the deployment may call it: {@code Authorization: Bearer <token>} with an
 * {@link InternalTokens internal token} for this action and the body's company. Anything else is
 * 401 before the body is read, and never data. Errors: 400/12 unusable body, 404 unknown action,
 * 503 when the named partitions cannot be read here now, and the read's own errors (e.g. 400/1052).
 *
 * <p>Installed through the {@code extra} of {@code ServingHttp.create}, so the deployment's
 * error envelopes (the ClearML exception mapper) answer its failures.
 */
public final class InternalQueryRoutes {

    public static final String PATH_PREFIX = "/internal/query/";
    private static final String ACTION_PARAM = "action";

    private final InternalTokens tokens;
    private final QueryRouter router;

    public InternalQueryRoutes(InternalTokens tokens, QueryRouter router) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.router = Objects.requireNonNull(router, "router");
    }

    /** Adds the route to {@code javalin}. */
    public void install(JavalinConfig javalin) {
        javalin.routes.post(PATH_PREFIX + "{" + ACTION_PARAM + "}", this::handle);
    }

    private void handle(Context ctx) {
        InternalTokens.Grant grant = tokens.verify(ctx.header("Authorization"));
        String name = ctx.pathParam(ACTION_PARAM);
        PeerAction<?> action = PeerAction.byName(name)
                .orElseThrow(() -> ApiException.unknownAction(ctx.path()));
        PeerQuery query = parse(ctx.bodyAsBytes());
        if (!grant.action().equals(action.name()) || !grant.company().equals(query.company())) {
            throw ApiException.unauthorized(30, "Invalid or expired token");
        }
        Envelope.Endpoint endpoint = new Envelope.Endpoint("internal.query." + action.name(), null, null);
        CompletionStage<?> answer = isRouted(action, query)
                ? router.containerRegistered(query.company(), containerId(query)).thenApply(ContainerRegistration::new)
                : router.answerForPeer(action, query.validated());
        // A failed stage goes to the deployment's exception mapper, which answers the error envelope.
        ctx.future(() -> answer.thenAccept(data -> ctx.status(200)
                        .contentType("application/json")
                        .result(Envelope.success(Envelope.newId(), endpoint, data)))
                .toCompletableFuture());
    }

    /** A registry question from a node that does not know where the partition is (no partitions named). */
    private static boolean isRouted(PeerAction<?> action, PeerQuery query) {
        return action == PeerAction.CONTAINER_REGISTERED && query.partitions().isEmpty();
    }

    private static String containerId(PeerQuery query) {
        if (query.company().isEmpty() || !query.request().path("container_id").isTextual()) {
            throw ApiException.malformedRequest("request.container_id must be a string, and company not empty");
        }
        return query.request().path("container_id").asText();
    }

    private static PeerQuery parse(byte[] body) {
        PeerQuery query;
        try {
            query = Json.mapper().readValue(body, PeerQuery.class);
        } catch (IOException | RuntimeException e) {
            throw ApiException.malformedRequest("the body is not an internal query");
        }
        if (query == null) {
            throw ApiException.malformedRequest("the body is not an internal query");
        }
        return query;
    }
}
