package io.servingmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    private static final String AUTHORIZATION = "Basic dGVzdDp0ZXN0";

    /** How often each body arrived: a request sent twice shows as a count of 2. */
    private final Map<String, Integer> received = new ConcurrentHashMap<>();
    private final AtomicInteger malformed = new AtomicInteger();
    private Javalin server;

    @BeforeEach
    void startServer() {
        server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.routes.post("/echo", this::record);
            config.routes.post("/unavailable", ctx -> ctx.status(503).result("{\"meta\":{}}"));
            config.routes.post("/large", ctx -> ctx.contentType("application/json")
                    .result(new ByteArrayInputStream(new byte[3 * 1024 * 1024])));
            config.routes.post("/closing", ctx -> {
                record(ctx);
                ctx.header("Connection", "close");
            });
        });
        server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private void record(Context ctx) {
        String body = ctx.body();
        if (!"application/json".equals(ctx.contentType()) || !AUTHORIZATION.equals(ctx.header("Authorization"))
                || ctx.contentLength() != ctx.bodyAsBytes().length) {
            malformed.incrementAndGet();
        }
        received.merge(body, 1, Integer::sum);
        ctx.result("{}");
    }

    private LoadGenerator generator(int concurrency, int clients, long maxRequests) {
        return new LoadGenerator(new LoadGenerator.Settings("http://127.0.0.1:" + server.port(), AUTHORIZATION,
                concurrency, clients, maxRequests, Duration.ofSeconds(60)));
    }

    private static String body(long index) {
        return "{\"index\":" + index + ",\"name\":\"\u00e9t\u00e9 \u2603 " + "x".repeat((int) (index % 50)) + "\"}";
    }

    @Test
    void everyRequestIsSentOnceWithItsHeadersAndBodyAndCountedWhenAnswered200() throws Exception {
        LoadGenerator.Result result = generator(8, 2, 500).run(i -> new LoadGenerator.Request("echo", body(i)));

        assertThat(result.ok()).isEqualTo(500);
        assertThat(result.failed()).isZero();
        assertThat(result.firstFailure()).isNull();
        assertThat(result.latencies().count()).isEqualTo(500);
        assertThat(malformed).hasValue(0);
        assertThat(received).hasSize(500);
        for (long i = 0; i < 500; i++) {
            assertThat(received).containsEntry(body(i), 1);
        }
    }

    @Test
    void answersOtherThan200AreCountedAsFailedWithTheirStatus() throws Exception {
        LoadGenerator.Result result = generator(4, 1, 40).run(i -> new LoadGenerator.Request("unavailable", "{}"));

        assertThat(result.ok()).isZero();
        assertThat(result.failed()).isEqualTo(40);
        assertThat(result.firstFailure()).isEqualTo("HTTP 503");
    }

    @Test
    void largeChunkedAnswersAreReadToTheirEndAndTheConnectionReused() throws Exception {
        LoadGenerator.Result result = generator(2, 1, 20).run(i -> new LoadGenerator.Request("large", "{}"));

        assertThat(result.ok()).isEqualTo(20);
        assertThat(result.failed()).isZero();
    }

    @Test
    void aServerThatClosesEveryConnectionGetsANewOneForEachRequest() throws Exception {
        LoadGenerator.Result result = generator(4, 2, 100).run(i -> new LoadGenerator.Request("closing", body(i)));

        assertThat(result.ok()).isEqualTo(100);
        assertThat(result.failed()).isZero();
        assertThat(received).hasSize(100).allSatisfy((body, count) -> assertThat(count).isEqualTo(1));
    }

    @Test
    void aKeptAliveConnectionTheServerClosedUnannouncedIsResentOnceOnANewOneNotCountedAsFailed() throws Exception {
        // Answers every request without "Connection: close", then closes: the generator reuses the
        // connection and meets its end before any byte of the next answer.
        try (RawServer raw = new RawServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", true)) {
            LoadGenerator.Result result = raw.generator(2, 1, 60).run(i -> new LoadGenerator.Request("echo", body(i)));

            assertThat(result.ok()).isEqualTo(60);
            assertThat(result.failed()).isZero();
            assertThat(raw.requests).hasValue(60);
        }
    }

    @Test
    void bytesAfterAnAnswerAreAFailureNotASilentlyDroppedResponse() throws Exception {
        try (RawServer raw = new RawServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n", false)) {
            LoadGenerator.Result result = raw.generator(1, 1, 5).run(i -> new LoadGenerator.Request("echo", "{}"));

            assertThat(result.ok()).isZero();
            assertThat(result.failed()).isEqualTo(5);
            assertThat(result.firstFailure()).contains("after its answer");
        }
    }

    @Test
    void aPortNobodyListensOnFailsEveryRequestAndTheRunStillEnds() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        LoadGenerator.Result result = new LoadGenerator(new LoadGenerator.Settings("http://127.0.0.1:" + port, null,
                4, 1, 30, Duration.ofSeconds(30))).run(i -> new LoadGenerator.Request("echo", "{}"));

        assertThat(result.ok()).isZero();
        assertThat(result.failed()).isEqualTo(30);
        assertThat(result.firstFailure()).containsIgnoringCase("connect");
    }

    @Test
    void pacedRunNeverSendsMoreThanTheRateAllowsNorMoreThanItsMaximum() throws Exception {
        LoadGenerator.Result paced = generator(8, 2, 1_000)
                .runPaced(100, Duration.ofMillis(500), i -> new LoadGenerator.Request("echo", body(i)));
        assertThat(paced.ok() + paced.failed()).isLessThanOrEqualTo(50);
        // and sends what is due: well over one (a schedule that stalls), allowing a slow machine
        assertThat(paced.ok()).isGreaterThanOrEqualTo(20);
        assertThat(paced.failed()).isZero();

        LoadGenerator.Result capped = generator(8, 2, 7)
                .runPaced(10_000, Duration.ofMillis(500), i -> new LoadGenerator.Request("echo", body(i)));
        assertThat(capped.ok()).isEqualTo(7);
    }

    @Test
    void onlyLoopbackIsATarget() {
        assertThatThrownBy(() -> new LoadGenerator.Settings("http://10.0.0.1:80", null, 1, 1, 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("127.0.0.1");
    }

    /**
     * A one-thread HTTP server on a plain socket that answers every request it reads with the
     * same bytes, and then closes the connection (without saying so) when {@code closeAfter}.
     */
    private static final class RawServer implements AutoCloseable {
        final AtomicInteger requests = new AtomicInteger();
        private final ServerSocket socket;
        private final Thread thread;

        RawServer(String answer, boolean closeAfter) throws IOException {
            socket = new ServerSocket(0);
            byte[] answerBytes = answer.getBytes(StandardCharsets.ISO_8859_1);
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket connection = socket.accept()) {
                        InputStream in = connection.getInputStream();
                        while (readRequest(in)) {
                            requests.incrementAndGet();
                            connection.getOutputStream().write(answerBytes);
                            connection.getOutputStream().flush();
                            if (closeAfter) {
                                break;
                            }
                        }
                    } catch (IOException e) {
                        // the test's end, or a client that went away
                    }
                }
            }, "raw-server");
            thread.setDaemon(true);
            thread.start();
        }

        LoadGenerator generator(int concurrency, int clients, long maxRequests) {
            return new LoadGenerator(new LoadGenerator.Settings("http://127.0.0.1:" + socket.getLocalPort(), null,
                    concurrency, clients, maxRequests, Duration.ofSeconds(30)));
        }

        /** Reads one request with a Content-Length body; false at the end of the connection. */
        private static boolean readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String text = head.toString(StandardCharsets.ISO_8859_1);
                if (text.endsWith("\r\n\r\n")) {
                    int at = text.toLowerCase().indexOf("content-length:");
                    int length = Integer.parseInt(text.substring(at + 15, text.indexOf('\r', at)).trim());
                    return in.readNBytes(length).length == length;
                }
            }
            return false;
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5_000);
        }
    }
}
