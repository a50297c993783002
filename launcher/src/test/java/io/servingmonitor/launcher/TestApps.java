package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.testkafka.KafkaFixture;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Starting the whole service in a test against the shared broker, and waiting for asynchronous results. */
final class TestApps {

    static final String TOKEN_SECRET = "launcher-tests-token-secret-of-32-chars-plus";
    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(60);

    private TestApps() {
    }

    /** Writes a credentials file of {@code company_id:access_key:secret_key} lines into {@code dir}. */
    static Path credentials(Path dir, String... lines) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve("credentials"), List.of(lines));
    }

    /**
     * Starts a {@link StandaloneApp} on the fixture's broker with HTTP on a free port, its data in
     * {@code dataDir}, the given credentials and Streams application id, plus {@code extraFlags}.
     * Does not wait for Streams; see {@link #startRunning}.
     */
    static StandaloneApp start(KafkaFixture kafka, Path dataDir, Path credentials, String applicationId,
                               PrintStream out, String... extraFlags) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--port", "0",
                "--data-dir", dataDir.toString(),
                "--credentials", credentials.toString(),
                "--application-id", applicationId,
                "--token-secret", TOKEN_SECRET));
        args.addAll(List.of(extraFlags));
        return StandaloneApp.start(LauncherOptions.parse(args, Map.of()), Clock.systemUTC(), out);
    }

    /** As {@link #start}, with a fresh application id, then waits until Kafka Streams is RUNNING. */
    static StandaloneApp startRunning(KafkaFixture kafka, Path dir, Path credentials, String name,
                                      String... extraFlags) throws Exception {
        StandaloneApp app = start(kafka, dir.resolve("data"), credentials, kafka.uniqueName(name), System.out, extraFlags);
        assertThat(app.awaitRunning(RUNNING_TIMEOUT)).as("Kafka Streams reached RUNNING").isTrue();
        return app;
    }

    static String baseUrl(StandaloneApp app) {
        return "http://127.0.0.1:" + app.port();
    }

    /** Asks again until the answer satisfies {@code done} (processing is asynchronous), at most {@code patience}. */
    static Reply eventually(Duration patience, Supplier<Reply> ask, Predicate<Reply> done) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        Reply last = ask.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = ask.get();
        }
        assertThat(done.test(last)).as("never reached the expected state; last answer: %s", last.body()).isTrue();
        return last;
    }

    /** The answer, after checking it is a success in the envelope and over HTTP. */
    static Reply ok(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.resultCode()).isEqualTo(200);
        return reply;
    }
}
