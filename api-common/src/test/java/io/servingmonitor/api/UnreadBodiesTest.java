package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls refused before their body is read, with a large body still coming: the client reads the
 * answer (an envelope), never a reset, because the body is read and dropped (up to the discard
 * limit) before the answer. The bodies are sent at full speed over a socket that is written to the
 * end before anything is read, as a naive client does.
 */
class UnreadBodiesTest {

    private static final ActionDefinition ECHO = new ActionDefinition("serving.echo", "2.31",
            request -> CompletableFuture.completedFuture(Map.of("seen", request.body().fieldNames())));
    private static final java.util.concurrent.atomic.AtomicInteger COUNTED = new java.util.concurrent.atomic.AtomicInteger();
    private static final ActionDefinition COUNT = new ActionDefinition("serving.count", "2.31",
            request -> CompletableFuture.completedFuture(Map.of("count", COUNTED.incrementAndGet())));
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int SEVERAL_MIB = 8 * 1024 * 1024;
    private static final int TRIES = 10;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(TestServer.defaults().build(), List.of(ECHO, COUNT), javalin -> { });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void bodyOfSeveralMibOverTheLimitSentAtFullSpeedIsAnswered413AndNeverReset() throws IOException {
        for (int i = 0; i < TRIES; i++) {
            try (Socket socket = connect()) {
                Answer answer = send(socket, "POST", "/serving.echo", SEVERAL_MIB);

                assertThat(answer.status()).as("try %s", i).isEqualTo(413);
                assertThat(answer.envelope().path("meta").path("result_code").asInt()).isEqualTo(413);
            }
        }
    }

    @Test
    void bodyOverTheLimitSentByJavasHttpClientIsAnswered413EveryTime() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] body = new byte[SEVERAL_MIB];
        Arrays.fill(body, (byte) 'x');
        for (int i = 0; i < TRIES; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/serving.echo"))
                            .header("Authorization", TestServer.basicA())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as("try %s", i).isEqualTo(413);
            assertThat(MAPPER.readTree(response.body()).path("meta").path("result_code").asInt()).isEqualTo(413);
        }
    }

    /** curl sends large bodies so: it waits for 100 Continue, and a final answer spares it the body. */
    @Test
    void bodyOverTheLimitAnnouncedWithExpectContinueIsAnswered413WithoutAskingForIt() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("POST /serving.echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + TestServer.basicA() + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + SEVERAL_MIB + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();

            Answer answer = read(socket.getInputStream(), false);

            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.envelope().path("meta").path("result_code").asInt()).isEqualTo(413);
        }
    }

    @Test
    void connectionOfADrained413TakesTheNextCall() throws IOException {
        try (Socket socket = connect()) {
            assertThat(send(socket, "POST", "/serving.echo", 2 * 1024 * 1024).status()).isEqualTo(413);

            Answer next = sendJson(socket, "/serving.echo", "{\"a\": 1}");

            assertThat(next.status()).isEqualTo(200);
            assertThat(next.envelope().path("data").path("seen").toString()).isEqualTo("[\"a\"]");
        }
    }

    @Test
    void callsRefusedForTheirCredentialsOrActionWithSeveralMibAreAnsweredNotReset() throws IOException {
        for (String path : List.of("/serving.nope", "/v1.0/serving.echo")) {
            try (Socket socket = connect()) {
                assertThat(send(socket, "POST", path, SEVERAL_MIB).status()).as(path).isEqualTo(404);
            }
        }
        try (Socket socket = connect()) {
            assertThat(send(socket, "POST", "/serving.echo", SEVERAL_MIB, null).status()).isEqualTo(401);
        }
    }

    /** Targets Jetty refuses before routing; each answer names its problem. */
    @Test
    void pathsJettyWouldRefuseWithALargeBodyAreAnswered400NamingTheProblem() throws IOException {
        Map<String, String> problems = Map.of(
                "/serving.echo%zz", "invalid percent-escape",
                "/serving.echo%", "invalid percent-escape",
                "/serving.echo%00", "encoded nul",
                "/..", "'..' above the root",
                "/a/../../serving.echo", "'..' above the root",
                "/serving.echo%FF", "bad utf-8 encoding",
                "serving.echo", "not a path");
        for (var entry : problems.entrySet()) {
            for (String method : List.of("POST", "GET", "PUT")) {
                try (Socket socket = connect()) {
                    Answer answer = send(socket, method, entry.getKey(), SEVERAL_MIB / 4);

                    String call = method + " " + entry.getKey();
                    assertThat(answer.status()).as(call).isEqualTo(400);
                    JsonNode meta = answer.envelope().path("meta");
                    assertThat(meta.path("result_code").asInt()).as(call).isEqualTo(400);
                    assertThat(meta.path("result_msg").asText().toLowerCase(Locale.ROOT)).as(call)
                            .startsWith("invalid request path").contains(entry.getValue());
                    assertThat(meta.path("error_stack").isNull()).as(call).isTrue();
                }
            }
        }
    }

    @Test
    void aRefusedPathLeavesTheConnectionUsable() throws IOException {
        try (Socket socket = connect()) {
            assertThat(send(socket, "POST", "/serving.echo%zz", 100_000).status()).isEqualTo(400);

            assertThat(sendJson(socket, "/serving.echo", "{}").status()).isEqualTo(200);
        }
    }

    @Test
    void headOnAnActionIsNotFoundWithoutABodyRunsNothingAndTheConnectionTakesTheNextCall() throws IOException {
        int before = COUNTED.get();
        try (Socket socket = connect()) {
            Answer head = send(socket, "HEAD", "/serving.count", 300_000);

            assertThat(head.status()).isEqualTo(404);
            assertThat(head.envelope()).isNull();
            assertThat(COUNTED.get()).isEqualTo(before);
            assertThat(sendJson(socket, "/serving.count", "{}").status()).isEqualTo(200);
            assertThat(COUNTED.get()).isEqualTo(before + 1);
        }
    }

    // ---- a naive client: writes the whole request, then reads the answer ----

    record Answer(int status, Map<String, String> headers, JsonNode envelope) {
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static Answer send(Socket socket, String method, String target, int bodyBytes) throws IOException {
        return send(socket, method, target, bodyBytes, TestServer.basicA());
    }

    private static Answer send(Socket socket, String method, String target, int bodyBytes, String authorization)
            throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + bodyBytes + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        for (int sent = 0; sent < bodyBytes; sent += chunk.length) {
            out.write(chunk, 0, Math.min(chunk.length, bodyBytes - sent));
        }
        out.flush();
        return read(socket.getInputStream(), method.equals("HEAD"));
    }

    private static Answer sendJson(Socket socket, String target, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + TestServer.basicA()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return read(socket.getInputStream(), false);
    }

    /** The answer; {@code envelope} is null for a HEAD, whose answer has no body. */
    private static Answer read(InputStream in, boolean head) throws IOException {
        String statusLine = line(in);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        if (head) {
            return new Answer(status, headers, null);
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Answer(status, headers, MAPPER.readTree(body));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection ended before the answer (read: " + line + ")");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
