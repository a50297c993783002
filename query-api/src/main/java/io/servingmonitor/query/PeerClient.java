package io.servingmonitor.query;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.topics.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PeerTransport} over HTTP: {@code POST http://<peer>/internal/query/<action>} with the
 * {@link PeerQuery} as JSON and an {@link InternalTokens internal token}, sent asynchronously with
 * the caller's time left as timeout. The peer answers in the ClearML envelope: {@code data} is
 * the answer record; an error's {@code result_code}, {@code result_subcode}, {@code result_msg}
 * and {@code error_data} become the same {@code ApiException} here.
 */
public final class PeerClient implements PeerTransport {

    private static final Logger LOG = LoggerFactory.getLogger(PeerClient.class);
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final HttpClient http;
    private final InternalTokens tokens;

    /** @param connectTimeout how long connecting to a peer may take before it counts as unreachable */
    public PeerClient(InternalTokens tokens, Duration connectTimeout) {
        this.tokens = tokens;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** The URI of {@code action} on {@code peer}. */
    public static URI uri(HostInfo peer, PeerAction<?> action) {
        String host = peer.host().contains(":") && !peer.host().startsWith("[") ? "[" + peer.host() + "]" : peer.host();
        return URI.create("http://" + host + ":" + peer.port() + InternalQueryRoutes.PATH_PREFIX + action.name());
    }

    @Override
    public <R> CompletionStage<R> query(HostInfo peer, PeerAction<R> action, PeerQuery query, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            return CompletableFuture.failedFuture(new PeerUnreachableException(peer, "no time left", null));
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri(peer, action))
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + tokens.issue(query.company(), action.name()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(query)))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = StoreReads.unwrap(error);
                        throw new PeerUnreachableException(peer, cause.toString(), cause);
                    }
                    return decode(peer, action, response);
                });
    }

    private static <R> R decode(HostInfo peer, PeerAction<R> action, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        JsonNode envelope;
        try {
            // Read as text: Jackson's byte parser refuses a lone surrogate escaped in a field name (a
            // container id keying the history's instances), its text parser keeps it. Our envelopes
            // are UTF-8 with every surrogate escaped, so the text is exact.
            envelope = MAPPER.readTree(new String(response.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            envelope = null;
        }
        if (envelope == null || !envelope.path("meta").isObject()) {
            if (status == 502 || status == 503 || status == 504) {
                throw new StoreReads.TransientReadException("peer " + peer + " answered " + status);
            }
            LOG.error("peer {} answered {} to {} without an envelope", peer, status, action);
            throw ApiException.internal();
        }
        if (status == 200) {
            try {
                return MAPPER.treeToValue(envelope.path("data"), action.answerType());
            } catch (IOException | IllegalArgumentException e) {
                LOG.error("peer {} answered {} with data that is not a {}", peer, action, action.answerType().getSimpleName(), e);
                throw ApiException.internal();
            }
        }
        JsonNode meta = envelope.path("meta");
        String message = meta.path("result_msg").asText("");
        if (status == 503) {
            throw new StoreReads.TransientReadException("peer " + peer + " cannot answer " + action + " now: " + message);
        }
        if (status >= 500) {
            // The peer logged its own failure; another copy, or a later attempt, may answer. Seen as an
            // enveloped 500 from a peer whose HTTP server was stopping under an in-flight call.
            LOG.warn("peer {} answered {} to {} ({}); asking again", peer, status, action, message);
            throw new StoreReads.TransientReadException("peer " + peer + " answered " + status + " to " + action);
        }
        if (status == 401 || status == 403) {
            LOG.error("peer {} refused our internal token ({}): do all instances share the same token secret?", peer, message);
            throw ApiException.internal();
        }
        Map<String, Object> errorData = meta.path("error_data").isObject()
                ? MAPPER.convertValue(meta.path("error_data"), MAP) : Map.of();
        throw new ApiException(meta.path("result_code").asInt(status), meta.path("result_subcode").asInt(0),
                message, errorData);
    }
}
