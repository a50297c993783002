package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow clients over a real socket: a body that stops arriving, or trickles in byte by byte, is
 * answered 408 in the envelope and its connection closed, so it holds no request thread.
 */
class SlowClientTest {

    private static final ActionDefinition ECHO = new ActionDefinition("serving.echo", "2.31",
            request -> CompletableFuture.completedFuture(Map.of("seen", request.body().fieldNames())));
    /** Far above the server's timeouts: only a server that never answers reaches it. */
    private static final int SOCKET_TIMEOUT_MS = 20_000;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(TestServer.defaults()
                .idleTimeout(Duration.ofMillis(1500))
                .minRequestDataRate(200)
                .build(), List.of(ECHO), javalin -> { });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String head(int contentLength) {
        return "POST /serving.echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + TestServer.basicA()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    @Test
    void aBodyThatStopsArrivingIsAnswered408AndTheConnectionClosed() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write((head(100) + "{\"a\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String answer = readUntilClosed(socket);

            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(envelopeOf(answer)).contains("\"result_code\":408");
        }
    }

    @Test
    void aBodySentByteByByteBelowTheMinimumRateIsAnswered408AndTheConnectionClosed() throws Exception {
        String body = "{\"field\": \"" + "x".repeat(200) + "\"}";
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(body.length()).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readUntilClosed(socket));
            // one byte every 100 ms: 10 B/s, below the 200 B/s minimum but never idle for the timeout
            for (int i = 0; i < body.length() && !answer.isDone(); i++) {
                try {
                    out.write(body.charAt(i));
                    out.flush();
                } catch (IOException closedByServer) {
                    break;
                }
                Thread.sleep(100);
            }

            String reply = answer.get();

            assertThat(reply).startsWith("HTTP/1.1 408");
            assertThat(envelopeOf(reply)).contains("\"result_code\":408");
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (Socket socket = connect()) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aBodySentAtANormalPaceIsServed() {
        TestServer.Reply reply = server.get("/serving.echo", "{\"field\": 1}");

        assertThat(reply.status()).isEqualTo(200);
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(SOCKET_TIMEOUT_MS);
        return socket;
    }

    /** Everything the server sends until it closes the connection (fails if it never does). */
    private static String readUntilClosed(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed the connection", e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String envelopeOf(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
