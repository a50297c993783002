package io.servingmonitor.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.launcher.Role;
import io.servingmonitor.query.QueryConfig;
import io.servingmonitor.testkafka.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three query nodes ({@code serving-monitor query} child JVMs on one real broker, same application
 * id, {@code --standby-replicas 1}) hold a known fleet, written through an {@code ingest} node,
 * while readers ask every read action of every live query node without pause. One node is killed with SIGKILL (its partitions stay assigned to it
 * until the session timeout, 10 s here: the others read them from their standby copies), then
 * restarted on its data dir (it rejoins), then a fourth node is added on an empty one. In every
 * phase each answer must be exactly what was written, or a 503 that came only once the read
 * deadline had passed; never another 5xx, never a wrong or partial answer.
 */
class QueryNodeKillTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final String COMPANY = "query-node-kill";
    private static final String ACCESS_KEY = "qnk-key";
    private static final String SECRET_KEY = "qnk-secret";
    private static final String TOKEN_SECRET = "query-node-kill-token-secret-of-32-chars";
    private static final int URLS = 24;
    private static final int CONTAINERS_PER_URL = 2;
    private static final int LOADING = 4;
    private static final int READERS = 3;
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** StoreReads gives up before a backoff (at most 500 ms) that would end past the deadline. */
    private static final Duration EARLIEST_503 = QueryConfig.defaults().readTimeout().minusMillis(600);
    /**
     * Test-only: more options for every node, to see this test fail on what it guards against, e.g.
     * {@code -Dfaults.querynode.arguments="--max-standby-lag 0"} (no stale reads).
     */
    private static final String EXTRA_ARGUMENTS = "faults.querynode.arguments";

    /** KILLED: the dead node still owns its partitions (before the session timeout); FAILED_OVER: after. */
    enum Phase { STEADY, KILLED, FAILED_OVER, RESTARTED, ADDED }

    @TempDir
    static Path workDir;

    private static final List<ServiceProcess> processes = new CopyOnWriteArrayList<>();
    private static final Map<Phase, PhaseFigures> figures = new EnumMap<>(Phase.class);
    private static volatile Phase phase = Phase.STEADY;
    private static String applicationId;
    private static Path credentials;

    /** What the readers saw in one phase. */
    static final class PhaseFigures {
        final AtomicInteger exact = new AtomicInteger();
        /** Exact answers of the lists, which need every partition. */
        final AtomicInteger exactLists = new AtomicInteger();
        final AtomicInteger late503 = new AtomicInteger();
        final AtomicInteger problemCount = new AtomicInteger();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

        void problem(String problem) {
            if (problemCount.incrementAndGet() <= 20) {
                problems.add(problem);
            }
        }

        @Override
        public String toString() {
            return exact + " exact (" + exactLists + " lists), " + late503 + " late 503, " + problemCount + " wrong: "
                    + problems;
        }
    }

    /** The fleet as written: the rows every node must answer. */
    private record Fleet(Map<String, Long> requestsByUrl, List<String> loadingIds) {
    }

    private record Node(String name, int port, Path dataDir, ServiceProcess process) {
        ServingClient client() {
            return new ServingClient("http://127.0.0.1:" + port).withBasic(ACCESS_KEY, SECRET_KEY);
        }
    }

    @BeforeAll
    static void runScenario() throws Exception {
        for (Phase p : Phase.values()) {
            figures.put(p, new PhaseFigures());
        }
        applicationId = "qnk-" + UUID.randomUUID().toString().substring(0, 8);
        credentials = workDir.resolve("credentials");
        Files.writeString(credentials, COMPANY + ":" + ACCESS_KEY + ":" + SECRET_KEY + "\n", StandardCharsets.UTF_8);

        CompletableFuture<Node> startingIngest = CompletableFuture.supplyAsync(() -> startIngest("in1"));
        List<CompletableFuture<Node>> starting = new ArrayList<>();
        for (String name : List.of("n1", "n2", "n3")) {
            starting.add(CompletableFuture.supplyAsync(() -> start(name, workDir.resolve(name))));
        }
        List<Node> nodes = new ArrayList<>(starting.stream().map(CompletableFuture::join).toList());
        Node ingest = startingIngest.join();
        awaitHealthy(ingest);
        for (Node node : nodes) {
            awaitHealthy(node);
        }
        Fleet fleet = write(ingest.client());
        for (Node node : nodes) {
            awaitExact(node, fleet);
        }

        List<Node> live = new CopyOnWriteArrayList<>(nodes);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            int reader = i;
            Thread thread = new Thread(() -> read(reader, live, fleet, running), "qnk-reader-" + i);
            thread.setDaemon(true);
            readers.add(thread);
            thread.start();
        }
        try {
            Thread.sleep(3_000);

            // Taken out of the readers' rotation first: calls to a dead process are the client's to retry.
            Node victim = nodes.get(2);
            live.remove(victim);
            Thread.sleep(300);
            phase = Phase.KILLED;
            victim.process().kill();
            // The group drops the dead member after the session timeout, then moves its tasks.
            Thread.sleep(SESSION_TIMEOUT.minusSeconds(2).toMillis());
            phase = Phase.FAILED_OVER;
            Thread.sleep(Duration.ofSeconds(17).toMillis());

            phase = Phase.RESTARTED;
            Node restarted = start(victim.name(), victim.dataDir());
            live.add(restarted);
            awaitHealthy(restarted);
            Thread.sleep(10_000);

            phase = Phase.ADDED;
            Node added = start("n4", workDir.resolve("n4"));
            live.add(added);
            awaitHealthy(added);
            Thread.sleep(10_000);
        } finally {
            running.set(false);
            for (Thread thread : readers) {
                thread.join(Duration.ofSeconds(30).toMillis());
            }
        }
        figures.forEach((p, f) -> System.out.println("query-node-kill " + p + ": " + f));
    }

    @AfterAll
    static void stopNodes() throws InterruptedException {
        for (ServiceProcess process : processes) {
            process.close();
        }
    }

    @Test
    void readsOnTheSurvivorsAnswerExactlyOrWith503OnlyAfterTheDeadlineWhileANodeIsKilled() {
        assertPhase(Phase.STEADY);
        assertPhase(Phase.KILLED);
        assertPhase(Phase.FAILED_OVER);
    }

    @Test
    void listsAreAnsweredFromStandbyCopiesWhileTheKilledNodeStillOwnsItsPartitions() {
        PhaseFigures f = figures.get(Phase.KILLED);
        // A list needs every partition, the dead node's too: before the session timeout only their standbys hold them.
        assertThat(f.exactLists.get()).as(f.toString()).isGreaterThan(3);
    }

    @Test
    void readsAnswerExactlyOrWith503OnlyAfterTheDeadlineWhileTheKilledNodeRestartsAndRejoins() {
        assertPhase(Phase.RESTARTED);
    }

    @Test
    void readsAnswerExactlyOrWith503OnlyAfterTheDeadlineWhileANodeIsAdded() {
        assertPhase(Phase.ADDED);
    }

    private static void assertPhase(Phase p) {
        PhaseFigures f = figures.get(p);
        assertThat(f.problems).as(p + ": every answer exact, or 503 after the deadline; " + f).isEmpty();
        assertThat(f.exact.get()).as(p + ": reads kept answering; " + f).isGreaterThan(10);
    }

    private static void read(int reader, List<Node> live, Fleet fleet, AtomicBoolean running) {
        for (int n = reader; running.get(); n++) {
            List<Node> nodes = List.copyOf(live);
            Node node = nodes.get(n % nodes.size());
            PhaseFigures f = figures.get(phase);
            long start = System.nanoTime();
            String action;
            Reply reply;
            String wrong;
            try {
                switch (n % 3) {
                    case 0 -> {
                        action = "get_endpoints";
                        reply = node.client().get("serving.get_endpoints", "{}");
                        wrong = reply.status() == 200 && !rows(reply.data()).equals(fleet.requestsByUrl())
                                ? "rows " + rows(reply.data()).keySet() : null;
                    }
                    case 1 -> {
                        action = "get_loading_instances";
                        reply = node.client().get("serving.get_loading_instances", "{}");
                        wrong = reply.status() == 200 && !ids(reply.data()).equals(fleet.loadingIds())
                                ? "ids " + ids(reply.data()) : null;
                    }
                    default -> {
                        String url = url(n % URLS);
                        action = "get_endpoint_details " + url;
                        reply = node.client().get("serving.get_endpoint_details", "{\"endpoint_url\": \"" + url + "\"}");
                        wrong = reply.status() == 200 && reply.data().path("instances").size() != CONTAINERS_PER_URL
                                ? "instances " + reply.data().path("instances") : null;
                    }
                }
            } catch (RuntimeException e) {
                f.problem("no answer from " + node.name() + ": " + e);
                continue;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (reply.status() == 200 && wrong == null) {
                f.exact.incrementAndGet();
                if (n % 3 != 2) {
                    f.exactLists.incrementAndGet();
                }
            } else if (reply.status() == 200) {
                f.problem(action + " on " + node.name() + " answered wrong " + wrong);
            } else if (reply.status() == 503 && reply.resultCode() == 503 && took.compareTo(EARLIEST_503) >= 0) {
                f.late503.incrementAndGet();
            } else {
                f.problem(action + " on " + node.name() + ": " + reply.status() + " after " + took.toMillis() + " ms: "
                        + reply.body());
            }
        }
    }

    private static Fleet write(ServingClient writer) {
        Map<String, Long> requestsByUrl = new TreeMap<>();
        for (int u = 0; u < URLS; u++) {
            long requests = 0;
            for (int c = 0; c < CONTAINERS_PER_URL; c++) {
                long counter = 100L * u + c;
                requests += counter;
                Reply reply = writer.post("serving.container_status_report", "{\"container_id\": \"qnk-" + u + "-" + c
                        + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\", \"endpoint_url\": \"" + url(u)
                        + "\", \"uptime_sec\": 60, \"requests_num\": " + counter + ", \"requests_min\": 1.5, \"latency_ms\": 12}");
                assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            }
            requestsByUrl.put(url(u), requests);
        }
        List<String> loading = new ArrayList<>();
        for (int i = 0; i < LOADING; i++) {
            String id = "qnk-loading-" + i;
            Reply reply = writer.post("serving.register_container", "{\"container_id\": \"" + id
                    + "\", \"endpoint_name\": \"loading\", \"model_name\": \"m\", \"timeout\": 600}");
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            loading.add(id);
        }
        return new Fleet(requestsByUrl, loading.stream().sorted().toList());
    }

    private static void awaitExact(Node node, Fleet fleet) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Reply endpoints = node.client().get("serving.get_endpoints", "{}");
            Reply loading = node.client().get("serving.get_loading_instances", "{}");
            if (endpoints.status() == 200 && rows(endpoints.data()).equals(fleet.requestsByUrl())
                    && loading.status() == 200 && ids(loading.data()).equals(fleet.loadingIds())) {
                return;
            }
            assertThat(System.nanoTime()).as(node.name() + " shows the fleet; last: " + endpoints.body())
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** A query node (Kafka Streams and the reads) on {@code dataDir}. */
    private static Node start(String name, Path dataDir) {
        int port = ServiceProcess.freePort();
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", KAFKA.bootstrapServers(),
                "--port", Integer.toString(port),
                "--data-dir", dataDir.toString(),
                "--application-id", applicationId,
                "--credentials", credentials.toString(),
                "--token-secret", TOKEN_SECRET,
                "--standby-replicas", "1",
                "--session-timeout", SESSION_TIMEOUT.toSeconds() + "s",
                "--stream-threads", "1",
                "--rocksdb-memory", "32m"));
        List.of(System.getProperty(EXTRA_ARGUMENTS, "").split(" ")).stream().filter(a -> !a.isBlank()).forEach(args::add);
        return launch(Role.QUERY, name, port, dataDir, "-Xmx256m", args);
    }

    /** The ingest node that takes the writes (no Streams, nothing on disk). */
    private static Node startIngest(String name) {
        int port = ServiceProcess.freePort();
        return launch(Role.INGEST, name, port, null, "-Xmx128m", List.of("--bootstrap-servers", KAFKA.bootstrapServers(),
                "--port", Integer.toString(port),
                "--credentials", credentials.toString(),
                "--token-secret", TOKEN_SECRET));
    }

    private static Node launch(Role role, String name, int port, Path dataDir, String heap, List<String> args) {
        List<String> jvm = List.of(heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.io.servingmonitor=info");
        try {
            ServiceProcess process = ServiceProcess.start(role, jvm, args, workDir.resolve(name + ".log"), START_TIMEOUT);
            processes.add(process);
            return new Node(name, port, dataDir, process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name, e);
        }
    }

    private static void awaitHealthy(Node node) throws InterruptedException {
        node.process().awaitHealthy(node.client(), START_TIMEOUT);
    }

    private static String url(int u) {
        return "https://query-node-kill.example/endpoint-" + u;
    }

    private static Map<String, Long> rows(JsonNode data) {
        Map<String, Long> byUrl = new TreeMap<>();
        int count = 0;
        for (JsonNode row : data.path("endpoints")) {
            count++;
            if (row.path("instances").asInt() != CONTAINERS_PER_URL) {
                byUrl.put(row.path("url").asText() + " (instances " + row.path("instances").asInt() + ")", -1L);
            } else {
                byUrl.put(row.path("url").asText(), row.path("requests").asLong());
            }
        }
        if (count != byUrl.size()) {
            byUrl.put("(a url twice)", -1L);
        }
        return byUrl;
    }

    private static List<String> ids(JsonNode data) {
        List<String> ids = new ArrayList<>();
        data.path("instances").forEach(row -> ids.add(row.path("id").asText()));
        return ids;
    }
}
