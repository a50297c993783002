package io.servingmonitor.faults;

import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.launcher.LauncherOptions;
import io.servingmonitor.launcher.StandaloneApp;
import io.servingmonitor.testkafka.KafkaCluster;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A Kafka cluster of child-JVM brokers and, in this JVM, the whole service on it
 * ({@code standalone --bootstrap-servers ... --replication-factor N}), with one key pair.
 */
final class ClusterService implements AutoCloseable {

    static final String COMPANY = "faults";
    static final String ACCESS_KEY = "faults-key";
    static final String SECRET_KEY = "faults-secret";
    private static final String TOKEN_SECRET = "faults-token-secret-of-at-least-32-characters";
    private static final Duration RUNNING_TIMEOUT = Duration.ofMinutes(3);
    private static final int PARTITIONS = 3;

    final KafkaCluster cluster;
    final StandaloneApp app;
    final String applicationId;
    private final PrintStream log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ClusterService(KafkaCluster cluster, StandaloneApp app, String applicationId, PrintStream log) {
        this.cluster = cluster;
        this.app = app;
        this.applicationId = applicationId;
        this.log = log;
    }

    /** Starts {@code brokers} nodes under {@code dir}, then the service, and waits until Streams runs. */
    static ClusterService start(Path dir, int brokers, Duration writeTimeout) throws Exception {
        Files.createDirectories(dir);
        Path credentials = Files.write(dir.resolve("credentials"), List.of(COMPANY + ":" + ACCESS_KEY + ":" + SECRET_KEY));
        KafkaCluster cluster = KafkaCluster.start(dir.resolve("kafka"), brokers);
        PrintStream log = new PrintStream(new FileOutputStream(dir.resolve("service.out").toFile(), true), true,
                StandardCharsets.UTF_8);
        String applicationId = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            LauncherOptions options = LauncherOptions.parse(List.of(
                    "--bootstrap-servers", cluster.bootstrapServers(),
                    "--replication-factor", Integer.toString(Math.min(KafkaCluster.REPLICATION_FACTOR, brokers)),
                    // One partition per broker is enough to spread leaders over the cluster, and
                    // halves what a restarted broker has to recover and fetch on a small machine.
                    "--partitions", Integer.toString(PARTITIONS),
                    "--port", "0",
                    "--data-dir", dir.resolve("service").toString(),
                    "--credentials", credentials.toString(),
                    "--application-id", applicationId,
                    "--token-secret", TOKEN_SECRET,
                    "--stream-threads", "1",
                    "--rocksdb-memory", "64m",
                    "--write-timeout", writeTimeout.toSeconds() + "s"), Map.of());
            StandaloneApp app = StandaloneApp.start(options, Clock.systemUTC(), log);
            ClusterService service = new ClusterService(cluster, app, applicationId, log);
            if (!app.awaitRunning(RUNNING_TIMEOUT)) {
                service.close();
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + RUNNING_TIMEOUT.toSeconds() + " s");
            }
            return service;
        } catch (Exception | Error e) {
            log.close();
            cluster.close();
            throw e;
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    /** A client with this service's Basic credentials. */
    ServingClient client() {
        return new ServingClient(baseUrl()).withBasic(ACCESS_KEY, SECRET_KEY);
    }

    /** The HTTP status of {@code GET path} (a health endpoint), or -1 when the service does not answer. */
    int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until {@code GET path} answers {@code status}; how long it took, or null if it did not in time. */
    Duration awaitStatus(String path, int status, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (status(path) == status) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(250);
        }
        return null;
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            try {
                cluster.close();
            } finally {
                log.close();
            }
        }
    }
}
