package io.servingmonitor.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A real Javalin on a free port serving the given actions, and a client that speaks to it like ClearML clients do. */
final class TestServer implements AutoCloseable {

    static final String SECRET = "test-token-secret-that-is-long-enough-0123456789";
    static final Credentials CREDENTIALS = Credentials.of(
            "company-a:key-a:secret-a",
            "company-b:key-b:secret-b");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final ApiConfig config;
    final Authenticator authenticator;
    private final Javalin app;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestServer(List<ActionDefinition> actions) {
        this(defaults().build(), actions, javalin -> { });
    }

    TestServer(ApiConfig config, List<ActionDefinition> actions, Consumer<JavalinConfig> extra) {
        this.config = config;
        this.authenticator = Authenticator.create(CREDENTIALS, config, java.time.Clock.systemUTC());
        this.app = ServingHttp.create(config, authenticator, actions, extra).start("127.0.0.1", 0);
    }

    static ApiConfig.Builder defaults() {
        return ApiConfig.builder().tokenSecret(SECRET);
    }

    static String basic(String key, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static String basicA() {
        return basic("key-a", "secret-a");
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + app.port() + pathAndQuery);
    }

    /** A call with a JSON body (GET by default, as the ClearML SDK sends it). */
    Reply call(String method, String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.build());
    }

    Reply get(String path, String body) {
        return call("GET", path, basicA(), body);
    }

    int port() {
        return app.port();
    }

    /** The gzip decision the running server was configured with. */
    CompressionStrategy compressionStrategy() {
        return app.unsafe.http.compressionStrategy;
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), MAPPER.readTree(response.body()), response.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }

    /** An answer: HTTP status, content type, raw text, parsed envelope and headers. */
    record Reply(int status, String contentType, String text, JsonNode json, java.net.http.HttpHeaders headers) {
        JsonNode meta() {
            return json.get("meta");
        }

        JsonNode data() {
            return json.get("data");
        }

        int code() {
            return meta().get("result_code").asInt();
        }

        int subcode() {
            return meta().get("result_subcode").asInt();
        }

        String message() {
            return meta().get("result_msg").asText();
        }

        Map<String, Object> dataMap() {
            return MAPPER.convertValue(data(), Map.class);
        }
    }
}
