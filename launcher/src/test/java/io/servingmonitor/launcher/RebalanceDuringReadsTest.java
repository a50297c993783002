package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.query.QueryConfig;
import io.servingmonitor.testkafka.KafkaFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code get_endpoints} fans out to every partition while the partitions move: two instances with
 * standby copies hold a known fleet; readers ask both without pause while a third instance joins
 * the group (partitions and standbys move to it) and then leaves it again. Every answer must be
 * exactly the fleet's rows (no url twice, none missing, every count right), or a 503 that came
 * only once the read deadline had passed.
 */
@Timeout(300)
class RebalanceDuringReadsTest {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    private static final String COMPANY = "rebalance-reads-co";
    private static final String KEY = "rb-key";
    private static final String SECRET = "rb-secret";
    private static final int URLS = 40;
    private static final int CONTAINERS_PER_URL = 3;
    private static final int READERS = 4;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    /** StoreReads gives up before a backoff (at most 500 ms) that would end past the deadline. */
    private static final Duration EARLIEST_503 = QueryConfig.defaults().readTimeout().minusMillis(600);

    @TempDir
    Path tmp;

    private final List<StandaloneApp> apps = new ArrayList<>();

    @AfterEach
    void tearDown() {
        apps.forEach(StandaloneApp::close);
    }

    @Test
    void aRebalanceInTheMiddleOfGetEndpointsFanOutsNeitherDuplicatesNorDropsRows() throws Exception {
        Path credentials = tmp.resolve("credentials");
        Files.writeString(credentials, COMPANY + ":" + KEY + ":" + SECRET + "\n");
        String applicationId = kafka.uniqueName("rb");
        StandaloneApp one = start(applicationId, credentials, "n1");
        StandaloneApp two = start(applicationId, credentials, "n2");
        awaitSettled(List.of(one, two));

        Map<String, Long> expected = new TreeMap<>();
        ServingClient writer = client(one);
        for (int u = 0; u < URLS; u++) {
            String url = "https://rebalance.example/endpoint-" + u;
            long requests = 0;
            for (int c = 0; c < CONTAINERS_PER_URL; c++) {
                long counter = 1000L * u + c;
                requests += counter;
                Reply reply = writer.post("serving.container_status_report", statusReport("rb-" + u + "-" + c, url, counter));
                assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            }
            expected.put(url, requests);
        }
        for (StandaloneApp app : List.of(one, two)) {
            TestApps.eventually(Duration.ofSeconds(60), () -> client(app).get("serving.get_endpoints", "{}"),
                    reply -> reply.status() == 200 && rows(reply.data()).equals(expected));
        }

        List<StandaloneApp> readable = new CopyOnWriteArrayList<>(List.of(one, two));
        Readers readers = new Readers(readable, expected);
        readers.start();
        try {
            Thread.sleep(3_000);
            int beforeJoin = readers.exact.get();

            StandaloneApp three = start(applicationId, credentials, "n3");
            readable.add(three);
            awaitSettled(List.of(one, two, three));
            Thread.sleep(5_000);
            int beforeLeave = readers.exact.get();

            // Asked no more before it leaves: a node shutting down answers its own 503 at once.
            readable.remove(three);
            Thread.sleep(200);
            three.close();
            awaitSettled(List.of(one, two));
            Thread.sleep(5_000);

            readers.stop();
            assertThat(readers.problems).as("every answer exact, or 503 after the deadline").isEmpty();
            assertThat(beforeJoin).as("exact answers before the join").isGreaterThan(0);
            assertThat(beforeLeave).as("exact answers while the third instance joined").isGreaterThan(beforeJoin);
            assertThat(readers.exact.get()).as("exact answers while it left").isGreaterThan(beforeLeave);
            System.out.printf("get_endpoints during join and leave: %d exact, %d answered 503 after the deadline%n",
                    readers.exact.get(), readers.lateUnavailable.get());
        } finally {
            readers.stop();
        }
    }

    /** Threads asking {@code get_endpoints} of the readable instances in turn, checking each answer. */
    private static final class Readers {
        final AtomicInteger exact = new AtomicInteger();
        final AtomicInteger lateUnavailable = new AtomicInteger();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        private final List<StandaloneApp> readable;
        private final Map<String, Long> expected;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Readers(List<StandaloneApp> readable, Map<String, Long> expected) {
            this.readable = readable;
            this.expected = expected;
        }

        void start() {
            for (int i = 0; i < READERS; i++) {
                int reader = i;
                Thread thread = new Thread(() -> read(reader), "rebalance-reader-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        private void read(int reader) {
            for (int n = reader; running.get(); n++) {
                List<StandaloneApp> nodes = List.copyOf(readable);
                StandaloneApp node = nodes.get(n % nodes.size());
                long start = System.nanoTime();
                Reply reply;
                try {
                    reply = client(node).get("serving.get_endpoints", "{}");
                } catch (RuntimeException e) {
                    problem("no answer from " + node.port() + ": " + e);
                    continue;
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (reply.status() == 200) {
                    List<String> urls = new ArrayList<>();
                    reply.data().path("endpoints").forEach(row -> urls.add(row.path("url").asText()));
                    Map<String, Long> rows = rows(reply.data());
                    boolean instancesRight = true;
                    for (JsonNode row : reply.data().path("endpoints")) {
                        instancesRight &= row.path("instances").asInt() == CONTAINERS_PER_URL;
                    }
                    if (urls.size() != expected.size() || !rows.equals(expected) || !instancesRight) {
                        problem("200 from " + node.port() + " with " + urls.size() + " rows, not the "
                                + expected.size() + " expected: " + urls);
                    } else {
                        exact.incrementAndGet();
                    }
                } else if (reply.status() == 503 && reply.resultCode() == 503 && took.compareTo(EARLIEST_503) >= 0) {
                    lateUnavailable.incrementAndGet();
                } else {
                    problem(reply.status() + " after " + took.toMillis() + " ms from " + node.port() + ": "
                            + reply.body());
                }
            }
        }

        /** Keeps the first problems (a broken read fails thousands of times alike). */
        private void problem(String problem) {
            if (problems.size() < 20) {
                problems.add(problem);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(30).toMillis());
            }
        }
    }

    private StandaloneApp start(String applicationId, Path credentials, String name) throws Exception {
        StandaloneApp app = TestApps.start(kafka, tmp.resolve(name), credentials, applicationId,
                new PrintStream(new ByteArrayOutputStream()), "--standby-replicas", "1", "--stream-threads", "1");
        apps.add(app);
        return app;
    }

    /** Every app RUNNING, each seeing exactly these instances in the group, each owning tasks. */
    private static void awaitSettled(List<StandaloneApp> group) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!group.stream().allMatch(app -> settled(app, group.size()))) {
            assertThat(System.nanoTime()).as("the group of " + group.size() + " settles within " + SETTLE).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static boolean settled(StandaloneApp app, int size) {
        KafkaStreams streams = app.streamsRunner().streams();
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        Collection<StreamsMetadata> clients = streams.metadataForAllStreamsClients();
        return clients.size() == size && clients.stream().allMatch(client -> !client.topicPartitions().isEmpty());
    }

    private static ServingClient client(StandaloneApp app) {
        return new ServingClient("http://127.0.0.1:" + app.port()).withBasic(KEY, SECRET);
    }

    private static String statusReport(String containerId, String url, long requests) {
        return "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"ep\", \"model_name\": \"model\","
                + " \"endpoint_url\": \"" + url + "\", \"uptime_sec\": 60, \"requests_num\": " + requests
                + ", \"requests_min\": 1.5, \"latency_ms\": 12}";
    }

    /** url -> requests of each row; a url seen twice makes the map smaller than the row count. */
    private static Map<String, Long> rows(JsonNode data) {
        Map<String, Long> byUrl = new TreeMap<>();
        data.path("endpoints").forEach(row -> byUrl.put(row.path("url").asText(), row.path("requests").asLong()));
        return byUrl;
    }
}
