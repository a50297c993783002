package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Answers are gzip-compressed as Javalin's default does it: JSON of 1,500 bytes or more, to clients that accept gzip. */
class CompressionTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String LONG_TEXT = "row ".repeat(2_000);
    private static final ActionDefinition LARGE = new ActionDefinition("serving.large", "2.31",
            request -> CompletableFuture.completedFuture(Map.of("text", LONG_TEXT)));
    private static final ActionDefinition SMALL = new ActionDefinition("serving.small", "2.31",
            request -> CompletableFuture.completedFuture(Map.of("text", "short")));

    private static TestServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = new TestServer(List.of(LARGE, SMALL));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<byte[]> post(String action, String acceptEncoding) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/" + action))
                .header("Authorization", TestServer.basicA()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void largeJsonAnswerToAClientAcceptingGzipIsCompressedAndReadsBackWhole() throws Exception {
        HttpResponse<byte[]> response = post("serving.large", "gzip");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(response.body().length).isLessThan(LONG_TEXT.length() / 4);
        byte[] plain;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            plain = in.readAllBytes();
        }
        JsonNode envelope = MAPPER.readTree(plain);
        assertThat(envelope.at("/data/text").asText()).isEqualTo(LONG_TEXT);
        assertThat(envelope.at("/meta/result_code").asInt()).isEqualTo(200);
    }

    @Test
    void clientsThatDoNotAcceptGzipAndSmallAnswersGetPlainJson() throws Exception {
        HttpResponse<byte[]> large = post("serving.large", null);
        HttpResponse<byte[]> small = post("serving.small", "gzip");

        assertThat(large.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(MAPPER.readTree(large.body()).at("/data/text").asText()).isEqualTo(LONG_TEXT);
        assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(MAPPER.readTree(small.body()).at("/data/text").asText()).isEqualTo("short");
    }

    @Test
    void theContentTypeOfEveryAnswerIsOnTheStrategysAllowedListSoNoAnswerSearchesTheExcludedTypes() throws Exception {
        for (HttpResponse<byte[]> response : List.of(post("serving.large", "gzip"), post("serving.small", null),
                post("serving.unknown_action", null))) {
            assertThat(server.compressionStrategy().getAllowedMimeTypes())
                    .contains(response.headers().firstValue("Content-Type").orElseThrow());
        }
    }

    @Test
    void javalinsOwnAllowedTypesStayAllowed() {
        assertThat(server.compressionStrategy().getAllowedMimeTypes())
                .containsAll(new CompressionStrategy(null, new Gzip())
                        .getAllowedMimeTypes());
    }
}
