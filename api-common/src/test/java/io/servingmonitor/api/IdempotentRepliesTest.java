package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Resends with the same Idempotency-Key get the first answer; the write runs once. */
class IdempotentRepliesTest {

    private final AtomicInteger runs = new AtomicInteger();
    /** A write that answers its run number, so a second run would show. */
    private final ActionDefinition write = new ActionDefinition("serving.write", "2.31",
            request -> CompletableFuture.completedFuture(Map.of("run", runs.incrementAndGet()))).idempotent();
    private final ActionDefinition read = new ActionDefinition("serving.read", "2.31",
            request -> CompletableFuture.completedFuture(Map.of("run", runs.incrementAndGet())));

    private TestServer.Reply call(TestServer server, String path, String authorization, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", authorization);
        if (key != null) {
            request.header(IdempotentReplies.HEADER, key);
        }
        return server.send(request.build());
    }

    @Test
    void aResendWithTheSameKeyGetsTheFirstAnswerWithoutRunningAgain() {
        try (TestServer server = new TestServer(List.of(write))) {
            TestServer.Reply first = call(server, "/serving.write", TestServer.basicA(), "k-1", "{\"a\": 1}");
            TestServer.Reply resend = call(server, "/serving.write", TestServer.basicA(), "k-1", "{\"a\": 1}");

            assertThat(first.status()).isEqualTo(200);
            assertThat(resend.status()).isEqualTo(200);
            assertThat(resend.data()).isEqualTo(first.data());
            assertThat(runs).hasValue(1);
        }
    }

    @Test
    void anotherKeyOrNoKeyRunsAgain() {
        try (TestServer server = new TestServer(List.of(write))) {
            call(server, "/serving.write", TestServer.basicA(), "k-1", "{}");
            call(server, "/serving.write", TestServer.basicA(), "k-2", "{}");
            call(server, "/serving.write", TestServer.basicA(), null, "{}");
            call(server, "/serving.write", TestServer.basicA(), null, "{}");

            assertThat(runs).hasValue(4);
        }
    }

    @Test
    void companiesDoNotShareKeys() {
        try (TestServer server = new TestServer(List.of(write))) {
            TestServer.Reply a = call(server, "/serving.write", TestServer.basicA(), "same", "{}");
            TestServer.Reply b = call(server, "/serving.write", TestServer.basic("key-b", "secret-b"), "same", "{}");

            assertThat(a.data().get("run").asInt()).isEqualTo(1);
            assertThat(b.data().get("run").asInt()).isEqualTo(2);
        }
    }

    @Test
    void aKeyReusedForAnotherBodyIs400NamingTheHeaderAndDoesNotRun() {
        try (TestServer server = new TestServer(List.of(write))) {
            call(server, "/serving.write", TestServer.basicA(), "k-1", "{\"a\": 1}");

            TestServer.Reply reused = call(server, "/serving.write", TestServer.basicA(), "k-1", "{\"a\": 2}");

            assertThat(reused.status()).isEqualTo(400);
            assertThat(reused.subcode()).isEqualTo(12);
            assertThat(reused.message()).contains(IdempotentReplies.HEADER);
            assertThat(runs).hasValue(1);
        }
    }

    @Test
    void aMalformedKeyIs400NamingTheHeader() {
        try (TestServer server = new TestServer(List.of(write))) {
            TestServer.Reply reply = call(server, "/serving.write", TestServer.basicA(), "x".repeat(300), "{}");

            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.meta().get("error_data").get("field").asText()).isEqualTo(IdempotentReplies.HEADER);
            assertThat(runs).hasValue(0);
        }
    }

    @Test
    void actionsThatDoNotHonourTheHeaderIgnoreIt() {
        try (TestServer server = new TestServer(List.of(read))) {
            call(server, "/serving.read", TestServer.basicA(), "k-1", "{}");
            call(server, "/serving.read", TestServer.basicA(), "k-1", "{}");

            assertThat(runs).hasValue(2);
        }
    }

    @Test
    void aConcurrentResendWaitsForTheFirstAnswer() throws Exception {
        IdempotentReplies replies = new IdempotentReplies(Duration.ofMinutes(10), 100);
        CompletableFuture<Object> slowWrite = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();

        CompletableFuture<Object> first = replies.answer("c", "k", "serving.write", new byte[0], () -> {
            calls.incrementAndGet();
            return slowWrite;
        }).toCompletableFuture();
        CompletableFuture<Object> resend = replies.answer("c", "k", "serving.write", new byte[0], () -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture("second");
        }).toCompletableFuture();

        assertThat(resend).isNotDone();
        slowWrite.complete("first");
        assertThat(resend.get(5, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aCallersErrorIsRepeatedButAServerErrorLetsTheResendRunAgain() throws Exception {
        IdempotentReplies replies = new IdempotentReplies(Duration.ofMinutes(10), 100);
        AtomicInteger calls = new AtomicInteger();

        for (int i = 0; i < 2; i++) {
            Throwable error = replies.answer("c", "bad", "serving.write", new byte[0], () -> {
                calls.incrementAndGet();
                return CompletableFuture.failedFuture(ApiException.missingFields("container_id"));
            }).toCompletableFuture().handle((value, failure) -> failure).get(5, TimeUnit.SECONDS);
            assertThat(((ApiException) error).httpCode()).isEqualTo(400);
        }
        assertThat(calls).hasValue(1);

        for (int i = 0; i < 2; i++) {
            replies.answer("c", "unavailable", "serving.write", new byte[0], () -> {
                calls.incrementAndGet();
                return CompletableFuture.failedFuture(ApiException.unavailable("Kafka did not answer"));
            }).toCompletableFuture().handle((value, failure) -> failure).get(5, TimeUnit.SECONDS);
        }
        assertThat(calls).hasValue(3);
    }

    @Test
    void answersExpireAfterTheirTimeAndTheMemoryIsCapped() throws Exception {
        AtomicLong nanos = new AtomicLong();
        IdempotentReplies replies = new IdempotentReplies(Duration.ofMinutes(10), 3, nanos::get);
        AtomicInteger calls = new AtomicInteger();
        java.util.function.Supplier<java.util.concurrent.CompletionStage<?>> run =
                () -> CompletableFuture.completedFuture(calls.incrementAndGet());

        replies.answer("c", "k", "serving.write", new byte[0], run).toCompletableFuture().get();
        replies.answer("c", "k", "serving.write", new byte[0], run).toCompletableFuture().get();
        assertThat(calls).hasValue(1);

        nanos.addAndGet(Duration.ofMinutes(10).plusSeconds(1).toNanos());
        replies.answer("c", "k", "serving.write", new byte[0], run).toCompletableFuture().get();
        assertThat(calls).hasValue(2);

        for (int i = 0; i < 50; i++) {
            replies.answer("c", "many-" + i, "serving.write", new byte[0], run).toCompletableFuture().get();
        }
        assertThat(replies.size()).isLessThanOrEqualTo(3);
    }
}
