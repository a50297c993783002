package io.servingmonitor.ingest;

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
import java.util.concurrent.CompletableFuture;

/** Calls the ingest HTTP API as ClearML clients do (GET with a JSON body and Basic credentials by default). */
final class IngestClient {

    static final String KEY_A = basic("key-a", "secret-a");
    static final String KEY_B = basic("key-b", "secret-b");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    IngestClient(int port) {
        this.port = port;
    }

    static String basic(String key, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** The envelope and status of an answer. */
    record Reply(int status, JsonNode json) {
        int subcode() {
            return json.get("meta").get("result_subcode").asInt();
        }

        String message() {
            return json.get("meta").get("result_msg").asText();
        }

        JsonNode errorData() {
            return json.get("meta").get("error_data");
        }

        JsonNode data() {
            return json.get("data");
        }
    }

    Reply call(String action, String body) {
        return call(action, KEY_A, body);
    }

    Reply call(String action, String authorization, String body) {
        return send(request("/" + action, authorization, body).build());
    }

    HttpRequest.Builder request(String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method("GET", body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    Reply send(HttpRequest request) {
        try {
            return parse(client.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    CompletableFuture<Reply> sendAsync(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(IngestClient::parse);
    }

    private static Reply parse(HttpResponse<String> response) {
        try {
            return new Reply(response.statusCode(), MAPPER.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
