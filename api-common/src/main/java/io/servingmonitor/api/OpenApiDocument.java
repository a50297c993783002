package io.servingmonitor.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servingmonitor.topics.Json;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3.1 description of the API served at {@code /openapi.json}: every action of the
 * ClearML schema ({@link ClearMlSchema}, the {@code serving.*} actions with their request and
 * response bodies and definitions, taken from it unchanged) plus {@code auth.login}, each wrapped
 * in the ClearML envelope, with the error codes each can answer and the two ways to authenticate
 * (Basic with a key pair, Bearer with a token from {@code auth.login}).
 */
public final class OpenApiDocument {

    /** The API version the actions are served at, and from which on (ClearML's). */
    public static final String API_VERSION = "2.31";

    /**
     * An error answer: HTTP status ({@code result_code}), {@code result_subcode} and what it means.
     */
    public record ErrorCode(int code, int subcode, String meaning) {
    }

    /** Every answer an action may give besides 200, whatever the action. */
    public static final List<ErrorCode> COMMON_ERRORS = List.of(
            new ErrorCode(400, 0, "the request path is not valid (named in the message)"),
            new ErrorCode(400, 11, "missing required fields (named in error_data.missing_fields)"),
            new ErrorCode(400, 12, "validation error: malformed JSON, wrong type, bad enum value, value out of range,"
                    + " a size cap exceeded (the field named)"),
            new ErrorCode(401, 20, "missing credentials"),
            new ErrorCode(401, 21, "malformed credentials"),
            new ErrorCode(401, 22, "unknown access key or wrong secret"),
            new ErrorCode(401, 30, "bad or expired token"),
            new ErrorCode(404, 0, "unknown action, or a version below " + API_VERSION),
            new ErrorCode(408, 0, "the request body stopped arriving or came too slowly"),
            new ErrorCode(413, 0, "request body over the limit"),
            new ErrorCode(429, 0, "the access key's rate limit is used up (see Retry-After)"),
            new ErrorCode(500, 0, "unexpected error (never with a stack trace)"),
            new ErrorCode(503, 0, "Kafka did not acknowledge the event in time, the stores are rebalancing,"
                    + " or a queue is full; retry"));

    /** The errors only some actions answer, by action. */
    public static final Map<String, List<ErrorCode>> ACTION_ERRORS = Map.of(
            "serving.container_status_report", List.of(
                    new ErrorCode(400, 1051, "container not registered (only with --container-auto-register false)")),
            "serving.unregister_container", List.of(
                    new ErrorCode(400, 1051, "container not registered (only with --container-auto-unregister false)")),
            "serving.get_endpoint_details", List.of(
                    new ErrorCode(400, 1052, "no container instances found for service url")),
            "serving.get_endpoint_metrics_history", List.of(
                    new ErrorCode(400, 16, "invalid field values, e.g. from_date >= to_date")));

    private OpenApiDocument() {
    }

    /** The document for {@code schema}'s actions and {@code auth.login}. */
    public static ObjectNode of(ClearMlSchema schema) {
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "serving-monitor: the ClearML " + schema.service() + " API");
        info.put("version", API_VERSION);
        info.put("description", "Every action is served at `/" + schema.service() + ".{action}` and at"
                + " `/v{major.minor}/" + schema.service() + ".{action}` for any version from " + API_VERSION
                + " up (e.g. the web UI's `/v999.0/`), by GET or POST, with a JSON body on either (the ClearML SDK sends"
                + " GET with a body; a GET without body takes its fields from the query string; an empty body is {})."
                + " Every answer, success or error, is the ClearML envelope {meta, data} with the HTTP status equal to"
                + " meta.result_code. The company (tenant) comes from the credential, never from the body.");
        ArrayNode security = doc.putArray("security");
        security.addObject().putArray("basic");
        security.addObject().putArray("bearer");

        ObjectNode paths = doc.putObject("paths");
        for (ClearMlSchema.Action action : schema.actions().values()) {
            ObjectNode path = paths.putObject("/" + action.name());
            List<ErrorCode> errors = new java.util.ArrayList<>(COMMON_ERRORS);
            errors.addAll(ACTION_ERRORS.getOrDefault(action.name(), List.of()));
            for (String method : List.of("post", "get")) {
                operation(path.putObject(method), action.name(), method, action.description(), action.version(),
                        action.request(), action.response(), errors, null);
            }
        }
        ObjectNode login = paths.putObject("/" + ClearMlRoutes.AUTH_LOGIN);
        for (String method : List.of("get", "post")) {
            ArrayNode basicOnly = Json.mapper().createArrayNode();
            basicOnly.addObject().putArray("basic");
            operation(login.putObject(method), ClearMlRoutes.AUTH_LOGIN, method,
                    "A token for Bearer authentication (a JWT signed HS256, carrying the company), from Basic"
                            + " access_key:secret_key", ClearMlRoutes.AUTH_LOGIN_VERSION, loginRequest(), loginResponse(),
                    COMMON_ERRORS.stream().filter(e -> e.code() != 401 || e.subcode() != 30).toList(), basicOnly);
        }

        ObjectNode components = doc.putObject("components");
        ObjectNode schemes = components.putObject("securitySchemes");
        schemes.putObject("basic").put("type", "http").put("scheme", "basic")
                .put("description", "access_key:secret_key of a key pair; the key pair's company is the tenant");
        schemes.putObject("bearer").put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT")
                .put("description", "a token from auth.login");
        ObjectNode schemas = components.putObject("schemas");
        schema.definitions().forEach((name, definition) -> schemas.set(name, definition.deepCopy()));
        schemas.set("meta", meta());
        schemas.set("error", envelope(Json.mapper().createObjectNode().put("type", "object")
                .put("description", "always {} in an error answer")));
        return doc;
    }

    private static void operation(ObjectNode op, String action, String method, String description, String version,
                                  ObjectNode request, ObjectNode response, List<ErrorCode> errors, ArrayNode security) {
        op.put("operationId", action.replace('.', '_') + "_" + method);
        op.putArray("tags").add(action.substring(0, action.indexOf('.')));
        op.put("summary", description == null ? action : description);
        op.put("x-clearml-action", action);
        op.put("x-clearml-version", version);
        if (security != null) {
            op.set("security", security);
        }
        ObjectNode body = op.putObject("requestBody");
        body.put("required", false);
        if (method.equals("get")) {
            body.put("description", "as with POST: a JSON body on GET, as the ClearML SDK sends it");
        }
        body.putObject("content").putObject("application/json").set("schema", request.deepCopy());
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject("200");
        ok.put("description", "success: meta.result_code 200, result_subcode 0");
        ok.putObject("content").putObject("application/json").set("schema", envelope(response.deepCopy()));
        Map<Integer, List<ErrorCode>> byCode = new java.util.TreeMap<>();
        errors.forEach(e -> byCode.computeIfAbsent(e.code(), c -> new java.util.ArrayList<>()).add(e));
        byCode.forEach((code, codes) -> {
            ObjectNode answer = responses.putObject(Integer.toString(code));
            StringBuilder text = new StringBuilder();
            for (ErrorCode e : codes) {
                text.append(text.isEmpty() ? "" : "; ").append(code).append('/').append(e.subcode()).append(": ")
                        .append(e.meaning());
            }
            answer.put("description", text.toString());
            ArrayNode subcodes = answer.putArray("x-result-subcodes");
            codes.forEach(e -> subcodes.add(e.subcode()));
            answer.putObject("content").putObject("application/json").putObject("schema")
                    .put("$ref", "#/components/schemas/error");
        });
    }

    /** {meta, data} with {@code data} as given. */
    private static ObjectNode envelope(JsonNode data) {
        ObjectNode envelope = Json.mapper().createObjectNode();
        envelope.put("type", "object");
        envelope.putArray("required").add("meta").add("data");
        ObjectNode properties = envelope.putObject("properties");
        properties.putObject("meta").put("$ref", "#/components/schemas/meta");
        properties.set("data", data);
        return envelope;
    }

    private static ObjectNode meta() {
        ObjectNode meta = Json.mapper().createObjectNode();
        meta.put("type", "object");
        meta.put("description", "the ClearML answer header; the HTTP status equals result_code");
        ArrayNode required = meta.putArray("required");
        List.of("id", "trx", "endpoint", "result_code", "result_subcode", "result_msg", "error_stack", "error_data")
                .forEach(required::add);
        ObjectNode p = meta.putObject("properties");
        p.putObject("id").put("type", "string").put("description", "call id, 32 hex digits");
        p.putObject("trx").put("type", "string").put("description", "the same as id");
        ObjectNode endpoint = p.putObject("endpoint");
        endpoint.put("type", "object");
        ObjectNode ep = endpoint.putObject("properties");
        ep.putObject("name").set("type", nullable("string"));
        ep.putObject("requested_version").set("type", nullable("string"));
        ep.putObject("actual_version").set("type", nullable("string"));
        p.putObject("result_code").put("type", "integer").put("description", "the HTTP status");
        p.putObject("result_subcode").put("type", "integer").put("description", "0 on success, else the ClearML subcode");
        p.putObject("result_msg").put("type", "string").put("description", "OK, or what went wrong");
        p.putObject("error_stack").put("type", "null").put("description", "always null: no stack trace leaves the server");
        p.putObject("error_data").put("type", "object").put("description", "details of an error, e.g. missing_fields");
        return meta;
    }

    private static ArrayNode nullable(String type) {
        return Json.mapper().createArrayNode().add(type).add("null");
    }

    private static ObjectNode loginRequest() {
        ObjectNode request = Json.mapper().createObjectNode();
        request.put("type", "object");
        request.putObject("properties").putObject("expiration_sec").put("type", "integer").put("minimum", 1)
                .put("description", "token lifetime in seconds (default 30 days, at most 1 year)");
        return request;
    }

    private static ObjectNode loginResponse() {
        ObjectNode response = Json.mapper().createObjectNode();
        response.put("type", "object");
        response.putArray("required").add("token");
        response.putObject("properties").putObject("token").put("type", "string")
                .put("description", "a JWT (HS256) carrying the company, api_version, server_version and exp");
        return response;
    }
}
