package io.servingmonitor.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves ClearML actions over HTTP: for every action {@code service.action} it answers GET and POST
 * on {@code /service.action} and {@code /v<major>.<minor>/service.action}, plus {@code auth.login}.
 *
 * <p>A call goes: find the action at the asked version (the newest one not above it; 404/0 when
 * none) -> authenticate -> read the body (size and depth limits; a GET without body takes its
 * fields from the query string) -> run the handler -> answer its result in the envelope once its
 * stage completes, without holding a request thread. After authentication the caller's access key
 * is charged one call ({@link RateLimits}: 429 with {@code Retry-After} when it has none left); a
 * write that {@link ActionDefinition#honoursIdempotencyKey() honours} {@code Idempotency-Key} and
 * carries one is answered through {@link IdempotentReplies}. Jetty closes connections idle for
 * {@link ApiConfig#idleTimeout()} and refuses bodies slower than
 * {@link ApiConfig#minRequestDataRate()} (408), so a slow client holds no thread for long.
 * Every error, including Javalin's own
 * 404/405/413, leaves as an envelope with the HTTP status equal to {@code result_code}; anything
 * that is not an {@link ApiException} is logged here and answered 500/0 with a generic message.
 *
 * <p>Install it once per Javalin with all the actions that Javalin serves: the actions of one API
 * for a scaled deployment, or of both for the single process.
 */
public final class ClearMlRoutes {

    /** The login action; always installed. */
    public static final String AUTH_LOGIN = "auth.login";
    /** Served at any version: clients ask for a token before they know the server's version. */
    public static final String AUTH_LOGIN_VERSION = "1.0";

    private static final Logger LOG = LoggerFactory.getLogger(ClearMlRoutes.class);
    private static final String VERSION_PARAM = "version";
    private static final String VERSIONED_PREFIX = "/v{" + VERSION_PARAM + "}/";
    private static final String ID_ATTRIBUTE = "clearml.id";
    private static final String ENDPOINT_ATTRIBUTE = "clearml.endpoint";
    private static final String ANSWERED_ATTRIBUTE = "clearml.answered";
    private static final String SUBCODE_ATTRIBUTE = "clearml.result_subcode";
    private static final String BODY_READ_ATTRIBUTE = "clearml.body_read";
    /** Statuses Javalin may set by itself (no route, wrong method, body too large, timeouts). */
    private static final int[] FRAMEWORK_STATUSES = {400, 404, 405, 408, 413, 414, 415, 500, 503};

    private final ApiConfig config;
    private final Authenticator authenticator;
    private final Clock clock;
    private final TrustedProxies trustedProxies;
    private final JsonBodyParser bodyParser;
    private final RateLimits rateLimits;
    private final IdempotentReplies idempotentReplies;
    /** Per action name, its versions, newest first. */
    private final Map<String, List<ActionDefinition>> actions;

    public ClearMlRoutes(ApiConfig config, Authenticator authenticator, Collection<ActionDefinition> actions, Clock clock) {
        this.config = config;
        this.authenticator = authenticator;
        this.clock = clock;
        this.trustedProxies = TrustedProxies.parse(config.trustedProxies());
        this.bodyParser = new JsonBodyParser(config.maxJsonDepth());
        this.rateLimits = new RateLimits(config.rateLimit());
        this.idempotentReplies = new IdempotentReplies(config.idempotencyTtl(), config.idempotencyMaxEntries());
        this.actions = byName(actions);
    }

    private static Map<String, List<ActionDefinition>> byName(Collection<ActionDefinition> definitions) {
        Map<String, List<ActionDefinition>> byName = new LinkedHashMap<>();
        for (ActionDefinition definition : definitions) {
            if (definition.name().equals(AUTH_LOGIN)) {
                throw new IllegalArgumentException(AUTH_LOGIN + " is built in");
            }
            List<ActionDefinition> versions = byName.computeIfAbsent(definition.name(), name -> new ArrayList<>());
            if (versions.stream().anyMatch(known -> known.version().equals(definition.version()))) {
                throw new IllegalArgumentException("action defined twice: " + definition.name() + " " + definition.minVersion());
            }
            versions.add(definition);
        }
        byName.values().forEach(versions -> versions.sort(Comparator.comparing(ActionDefinition::version).reversed()));
        byName.replaceAll((name, versions) -> List.copyOf(versions));
        return Map.copyOf(byName);
    }

    /** Adds the action routes, {@code auth.login}, the exception mapper and the error envelopes to {@code javalin}. */
    public void install(JavalinConfig javalin) {
        javalin.http.maxRequestSize = config.bodyLimitBytes();
        limitSlowClients(javalin);
        // Requests Jetty would refuse before routing for their path come here instead (see RefusedTargets);
        // what Jetty still refuses by itself (a request it cannot parse) gets an envelope too.
        javalin.jetty.modifyServer(server -> {
            server.setErrorHandler(new JettyErrorEnvelopes());
            RefusedTargets.install(server);
        });
        javalin.routes.before(RefusedTargets.PATH + "*", ClearMlRoutes::refuseTarget);
        for (String name : actions.keySet()) {
            route(javalin, name, ctx -> serve(ctx, name));
        }
        route(javalin, AUTH_LOGIN, this::login);
        // Whatever answered (Javalin itself included, e.g. a HEAD on another route), a body left unread
        // would make Jetty close the connection after the answer, under a client that may reuse it.
        javalin.routes.after(this::discardUnreadBody);
        javalin.routes.exception(Exception.class, (error, ctx) -> answerError(ctx, error));
        for (int status : FRAMEWORK_STATUSES) {
            javalin.routes.error(status, this::answerFrameworkError);
        }
    }

    /**
     * Jetty's guards against slow clients: a connection silent for the idle timeout is closed (a
     * request waiting for its body answers 408), and a body averaging less than the minimum data
     * rate is 408 (connection closed). Neither holds a thread while it waits for bytes that do not come.
     */
    private void limitSlowClients(JavalinConfig javalin) {
        long idleMs = config.idleTimeout().toMillis();
        javalin.jetty.modifyHttpConfiguration(http -> {
            http.setIdleTimeout(idleMs);
            http.setMinRequestDataRate(config.minRequestDataRate());
        });
        // Javalin makes its connector after this runs, so its idle timeout is set when the server starts.
        javalin.jetty.modifyServer(server -> server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                    if (connector instanceof AbstractConnector withTimeout) {
                        withTimeout.setIdleTimeout(idleMs);
                    }
                }
            }
        }));
    }

    /** A request whose target Jetty would have refused: 400 naming the problem (its body is dropped). */
    private static void refuseTarget(Context ctx) {
        String problem = ctx.path().substring(ctx.path().lastIndexOf('/') + 1);
        ctx.attribute(ENDPOINT_ATTRIBUTE, new Envelope.Endpoint(null, null, null));
        throw ApiException.invalidPath(RefusedTargets.describe(problem));
    }

    private static void route(JavalinConfig javalin, String name, Handler handler) {
        for (String path : List.of("/" + name, VERSIONED_PREFIX + name)) {
            javalin.routes.get(path, handler);
            javalin.routes.post(path, handler);
            // ClearML serves GET and POST only; Javalin would answer HEAD itself with an empty 200
            javalin.routes.head(path, ctx -> {
                throw ApiException.unknownAction(ctx.path());
            });
        }
    }

    private void serve(Context ctx, String name) {
        begin(ctx, name);
        ActionDefinition action = resolve(ctx, name);
        Envelope.Endpoint endpoint = servedBy(ctx, name, action.minVersion());
        Identity caller = authenticator.authenticate(ctx.header("Authorization"));
        rateLimits.acquire(caller);
        String idempotencyKey = action.honoursIdempotencyKey() ? ctx.header(IdempotentReplies.HEADER) : null;
        if (idempotencyKey != null) {
            IdempotentReplies.validKey(idempotencyKey);
        }
        byte[] bytes = readBytes(ctx);
        RequestBody body = fields(ctx, bytes);
        ActionRequest request = new ActionRequest(caller.company(), body, callerIp(ctx), clock.millis());
        CompletionStage<?> result = idempotencyKey == null
                ? run(action, request)
                : idempotentReplies.answer(caller.company(), idempotencyKey, action.name(), requestBytes(ctx, bytes),
                        () -> run(action, request));
        ctx.future(() -> result
                .handle((value, error) -> {
                    if (error == null) {
                        answer(ctx, endpoint, value);
                    } else {
                        answerError(ctx, error);
                    }
                    return null;
                })
                .toCompletableFuture());
    }

    private static CompletionStage<?> run(ActionDefinition action, ActionRequest request) {
        CompletionStage<?> result = action.handler().handle(request);
        if (result == null) {
            throw new IllegalStateException("handler of " + action.name() + " returned no stage");
        }
        return result;
    }

    /** What a resend must repeat: the body, or the query string of a call without one. */
    private static byte[] requestBytes(Context ctx, byte[] body) {
        if (!JsonBodyParser.isBlank(body) || ctx.queryString() == null) {
            return body;
        }
        return ("?" + ctx.queryString()).getBytes(StandardCharsets.UTF_8);
    }

    private void login(Context ctx) {
        begin(ctx, AUTH_LOGIN);
        ApiVersion asked = askedVersion(ctx, AUTH_LOGIN);
        if (asked != null && asked.compareTo(ApiVersion.parse(AUTH_LOGIN_VERSION)) < 0) {
            throw ApiException.unknownAction(ctx.path());
        }
        Envelope.Endpoint endpoint = servedBy(ctx, AUTH_LOGIN, AUTH_LOGIN_VERSION);
        Identity caller = authenticator.authenticateBasic(ctx.header("Authorization"));
        rateLimits.acquire(caller);
        RequestBody body = fields(ctx, readBytes(ctx));
        Long seconds = body.requireBetween("expiration_sec", body.optionalLong("expiration_sec"),
                1, config.tokenMaxExpiry().toSeconds());
        Duration validity = seconds == null ? config.tokenDefaultExpiry() : Duration.ofSeconds(seconds);
        answer(ctx, endpoint, Map.of("token", authenticator.issueToken(caller, validity)));
    }

    private void begin(Context ctx, String name) {
        ctx.attribute(ID_ATTRIBUTE, Envelope.newId());
        ctx.attribute(ENDPOINT_ATTRIBUTE, new Envelope.Endpoint(name, ctx.pathParamMap().get(VERSION_PARAM), null));
    }

    /** The action that serves the asked version: the newest one not above it. */
    private ActionDefinition resolve(Context ctx, String name) {
        ApiVersion asked = askedVersion(ctx, name);
        for (ActionDefinition candidate : actions.get(name)) {
            if (asked == null || candidate.version().compareTo(asked) <= 0) {
                return candidate;
            }
        }
        throw ApiException.unknownAction(ctx.path());
    }

    private static ApiVersion askedVersion(Context ctx, String name) {
        String text = ctx.pathParamMap().get(VERSION_PARAM);
        if (text == null) {
            return null;
        }
        ApiVersion version = ApiVersion.tryParse(text);
        if (version == null) {
            throw ApiException.unknownAction(ctx.path());
        }
        return version;
    }

    private static Envelope.Endpoint servedBy(Context ctx, String name, String actualVersion) {
        String asked = ctx.pathParamMap().get(VERSION_PARAM);
        Envelope.Endpoint endpoint = new Envelope.Endpoint(name, asked == null ? actualVersion : asked, actualVersion);
        ctx.attribute(ENDPOINT_ATTRIBUTE, endpoint);
        return endpoint;
    }

    /**
     * The call's body, read here, bounded by the limit whatever Content-Length says (a chunked body
     * has none). A body that stops arriving (idle timeout) or arrives too slowly (minimum data rate)
     * is 408.
     */
    private byte[] readBytes(Context ctx) {
        long limit = config.bodyLimitBytes();
        if (ctx.req().getContentLengthLong() > limit) {
            throw ApiException.payloadTooLarge(limit);
        }
        byte[] bytes;
        try {
            bytes = ctx.req().getInputStream().readNBytes((int) limit + 1);
        } catch (IOException | RuntimeException e) {
            ctx.attribute(BODY_READ_ATTRIBUTE, true); // nothing more can be read
            if (isTimeout(e)) {
                throw ApiException.requestTimeout();
            }
            throw ApiException.malformedRequest("request body could not be read");
        }
        if (bytes.length > limit) {
            throw ApiException.payloadTooLarge(limit); // the rest is dropped with the answer
        }
        ctx.attribute(BODY_READ_ATTRIBUTE, true);
        return bytes;
    }

    /** Whether reading failed because the body stopped or slowed below the minimum rate. */
    private static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException
                    || (t instanceof HttpException http && http.getCode() == 408)) {
                return true;
            }
        }
        return false;
    }

    /** The call's fields: the JSON body, or for an empty one the query string's fields, or {@code {}}. */
    private RequestBody fields(Context ctx, byte[] bytes) {
        if (JsonBodyParser.isBlank(bytes)) {
            Map<String, List<String>> query = ctx.queryParamMap();
            return query.isEmpty() ? RequestBody.empty() : RequestBody.fromQueryString(query);
        }
        return bodyParser.parse(bytes);
    }

    private String callerIp(Context ctx) {
        return trustedProxies.callerIp(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"), ctx.header("X-Real-IP"));
    }

    private void answer(Context ctx, Envelope.Endpoint endpoint, Object data) {
        byte[] envelope;
        try {
            envelope = Envelope.success(id(ctx), endpoint, data);
        } catch (RuntimeException e) {
            answerError(ctx, e);
            return;
        }
        write(ctx, 200, 0, envelope);
    }

    private void answerError(Context ctx, Throwable thrown) {
        Throwable error = unwrap(thrown);
        ApiException apiError;
        if (error instanceof ApiException known) {
            apiError = known;
        } else if (error instanceof HttpResponseException http && http.getStatus() < 500) {
            apiError = fromFramework(http.getStatus());
        } else {
            LOG.error("{} failed (id={})", endpointName(ctx), id(ctx), error);
            apiError = ApiException.internal();
        }
        if (apiError instanceof RateLimitedException limited) {
            ctx.header("Retry-After", Long.toString(limited.retryAfterSeconds()));
        }
        discardUnreadBody(ctx);
        write(ctx, apiError.httpCode(), apiError.subcode(), Envelope.error(id(ctx), ctx.attribute(ENDPOINT_ATTRIBUTE), apiError));
    }

    /**
     * Javalin answered by itself (no such route, wrong method...): put its status into an envelope.
     * A response another route wrote on purpose (e.g. {@code /health}'s 503 with its reasons) is
     * left as it is: it has a body already, Javalin's own errors do not.
     */
    private void answerFrameworkError(Context ctx) {
        if (Boolean.TRUE.equals(ctx.attribute(ANSWERED_ATTRIBUTE)) || answeredByAnotherRoute(ctx)) {
            return;
        }
        if (ctx.attribute(ENDPOINT_ATTRIBUTE) == null) {
            ActionPath path = ActionPath.parse(ctx.path());
            ctx.attribute(ENDPOINT_ATTRIBUTE, path == null
                    ? new Envelope.Endpoint(ApiException.echo(ctx.path()), null, null)
                    : new Envelope.Endpoint(path.name(), path.requestedVersion(), null));
        }
        int status = ctx.statusCode();
        ApiException error = status == 404 || status == 405 ? ApiException.unknownAction(ctx.path()) : fromFramework(status);
        discardUnreadBody(ctx);
        write(ctx, error.httpCode(), error.subcode(), Envelope.error(id(ctx), ctx.attribute(ENDPOINT_ATTRIBUTE), error));
    }

    /** Whether a route that is not one of ours (e.g. {@code /health}) matched and wrote this answer itself. */
    private boolean answeredByAnotherRoute(Context ctx) {
        Endpoint endpoint;
        try {
            endpoint = ctx.endpoint();
        } catch (RuntimeException noMatchedRoute) {
            return false;
        }
        return endpoint != null && !isOurRoute(endpoint.path) && ctx.resultInputStream() != null;
    }

    private boolean isOurRoute(String routePath) {
        String name = routePath.startsWith(VERSIONED_PREFIX) ? routePath.substring(VERSIONED_PREFIX.length())
                : routePath.startsWith("/") ? routePath.substring(1) : routePath;
        return name.equals(AUTH_LOGIN) || actions.containsKey(name);
    }

    private ApiException fromFramework(int status) {
        return switch (status) {
            case 404, 405 -> new ApiException(404, 0, "Unknown action or version");
            case 413 -> ApiException.payloadTooLarge(config.bodyLimitBytes());
            case 408, 503 -> ApiException.unavailable("Request timed out");
            case 500 -> ApiException.internal();
            default -> new ApiException(status, 0, "Bad request");
        };
    }

    /**
     * Reads and drops what is left of the body of a refused call (unknown action, bad credentials,
     * a body over the limit), up to {@link ApiConfig#discardLimitBytes()} and for at most the idle
     * timeout: Jetty closes a connection whose request body was not read to its end, and a client
     * still sending it would meet a reset instead of reading the answer. A drained connection stays
     * open for the next call. Not drained: a body declared larger than the discard limit (the
     * connection is closed after the answer), and a body the client has not sent yet because it
     * waits for {@code 100 Continue} (reading would ask for it).
     */
    private void discardUnreadBody(Context ctx) {
        if (Boolean.TRUE.equals(ctx.attribute(BODY_READ_ATTRIBUTE))) {
            return;
        }
        ctx.attribute(BODY_READ_ATTRIBUTE, true);
        long bound = config.discardLimitBytes();
        if (ctx.req().getContentLengthLong() > bound || "100-continue".equalsIgnoreCase(ctx.header("Expect"))) {
            return;
        }
        long deadline = System.nanoTime() + config.idleTimeout().toNanos();
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            for (int read; total <= bound && System.nanoTime() < deadline && (read = in.read(buffer)) >= 0; ) {
                total += read;
            }
        } catch (IOException | RuntimeException e) {
            // Nothing more to read (the client went away, or the body stopped for the idle timeout).
        }
    }

    private static void write(Context ctx, int status, int subcode, byte[] envelope) {
        ctx.attribute(ANSWERED_ATTRIBUTE, true);
        ctx.attribute(SUBCODE_ATTRIBUTE, subcode);
        ctx.status(status).contentType("application/json").result(envelope);
    }

    /**
     * The {@code result_subcode} of the envelope this request was answered with (0 on success), or
     * null when these routes did not answer it (another route such as {@code /health}, or not yet
     * answered). For request logs and metrics; the {@code result_code} is the HTTP status.
     */
    public static Integer resultSubcode(Context ctx) {
        return ctx.attribute(SUBCODE_ATTRIBUTE);
    }

    private static String id(Context ctx) {
        String id = ctx.attribute(ID_ATTRIBUTE);
        if (id == null) {
            id = Envelope.newId();
            ctx.attribute(ID_ATTRIBUTE, id);
        }
        return id;
    }

    private static String endpointName(Context ctx) {
        Envelope.Endpoint endpoint = ctx.attribute(ENDPOINT_ATTRIBUTE);
        return endpoint == null ? ctx.path() : endpoint.name();
    }

    /** The error a completion or execution wrapper carries. */
    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
