package io.servingmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    private static final String AUTHORIZATION = "Basic dGVzdDp0ZXN0";

    private final Set<String> received = ConcurrentHashMap.newKeySet();
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
        received.add(body);
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
            assertThat(received).contains(body(i));
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
        assertThat(received).hasSize(100);
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
}
