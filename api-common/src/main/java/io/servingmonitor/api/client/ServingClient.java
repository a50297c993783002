package io.servingmonitor.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A small client of the {@code serving.*} API that speaks the way ClearML clients do: Basic
 * credentials, or a Bearer token from {@code auth.login}, and GET with a JSON body by default.
 * Used by the end-to-end tests and the load generator; not needed by the service itself.
 */
public final class ServingClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private volatile String authorization;

    /** @param baseUrl e.g. {@code http://127.0.0.1:8008} */
    public ServingClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** Sends Basic credentials on every call. */
    public ServingClient withBasic(String accessKey, String secretKey) {
        authorization = basic(accessKey, secretKey);
        return this;
    }

    /** Calls {@code auth.login} with Basic credentials and sends the token as Bearer from then on. */
    public ServingClient login(String accessKey, String secretKey) {
        Reply reply = call("GET", "/auth.login", basic(accessKey, secretKey), null);
        if (reply.status() != 200) {
            throw new IllegalStateException("auth.login answered " + reply.status() + ": " + reply.body());
        }
        authorization = "Bearer " + reply.data().path("token").asText();
        return this;
    }

    /** GET {@code /<action>} with a JSON body, as the ClearML SDK does. */
    public Reply get(String action, String jsonBody) {
        return call("GET", "/" + action, authorization, jsonBody);
    }

    /** POST {@code /<action>} with a JSON body. */
    public Reply post(String action, String jsonBody) {
        return call("POST", "/" + action, authorization, jsonBody);
    }

    /** Any method and path (with query string), with this client's credentials. */
    public Reply call(String method, String pathAndQuery, String jsonBody) {
        return call(method, pathAndQuery, authorization, jsonBody);
    }

    /** Any method and path with the given Authorization header (null: none). */
    public Reply call(String method, String pathAndQuery, String authorizationHeader, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (authorizationHeader != null) {
            request.header("Authorization", authorizationHeader);
        }
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), parse(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public static String basic(String accessKey, String secretKey) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (accessKey + ":" + secretKey).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(body);
        } catch (IOException e) {
            return MAPPER.nullNode();
        }
    }

    /** An answer: HTTP status, raw body and its JSON. */
    public record Reply(int status, String body, JsonNode json) {

        public JsonNode meta() {
            return json.path("meta");
        }

        public JsonNode data() {
            return json.path("data");
        }

        public int resultCode() {
            return meta().path("result_code").asInt();
        }

        public int resultSubcode() {
            return meta().path("result_subcode").asInt();
        }

        public String resultMsg() {
            return meta().path("result_msg").asText();
        }
    }
}
