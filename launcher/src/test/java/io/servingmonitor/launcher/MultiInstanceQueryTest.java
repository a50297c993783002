package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.processor.endpoints.EndpointView;
import io.servingmonitor.processor.registry.ContainerRegistry;
import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.Serdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the service (same Streams application id) split the stores between them;
 * both answer every read action completely and identically, forwarding to each other what they
 * do not hold. Then one stops, and the other alone answers the complete lists again.
 */
@Timeout(120)
class MultiInstanceQueryTest {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    /** Unique to this test class: the broker and topics are shared by every launcher test. */
    private static final String COMPANY = "multi-instance-query-co";
    private static final String KEY = "mi-key";
    private static final String SECRET = "mi-secret";
    private static final Duration SETTLE = Duration.ofSeconds(45);
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final List<StandaloneApp> apps = new ArrayList<>();

    @AfterEach
    void tearDown() {
        apps.forEach(StandaloneApp::close);
    }

    @Test
    void everyInstanceAnswersEveryReadCompletelyAndIdentically() throws Exception {
        Path credentials = tmp.resolve("credentials");
        Files.writeString(credentials, COMPANY + ":" + KEY + ":" + SECRET + "\n");
        String applicationId = kafka.uniqueName("sm");
        StandaloneApp one = start(applicationId, credentials, "n1");
        StandaloneApp two = start(applicationId, credentials, "n2");
        awaitSettled(one, two);

        // Keys chosen so that both instances own some of each store's keys: every action has to ask the peer.
        List<String> urls = keysOwnedByBoth(one, 10, i -> "https://mi.example/endpoint-" + i,
                url -> one.streamsRunner().streams().queryMetadataForKey(EndpointView.SUMMARY_STORE,
                        new EndpointKey(COMPANY, url), Serdes.endpointKey().serializer()));
        List<String> loadingIds = keysOwnedByBoth(one, 6, i -> "mi-loading-" + i,
                id -> one.streamsRunner().streams().queryMetadataForKey(ContainerRegistry.STORE,
                        new ContainerKey(COMPANY, id), Serdes.containerKey().serializer()));

        ServingClient writer = client(one);
        long startSec = System.currentTimeMillis() / 1000;
        Map<String, Long> requestsByUrl = new TreeMap<>();
        for (int i = 0; i < urls.size(); i++) {
            String url = urls.get(i);
            int containers = i % 2 == 0 ? 2 : 1;
            long requests = 0;
            for (int c = 0; c < containers; c++) {
                long counter = 100L * (i + 1) + c;
                requests += counter;
                assertThat(writer.post("serving.container_status_report", statusReport("mi-c" + i + "-" + c, url, counter))
                        .status()).isEqualTo(200);
            }
            requestsByUrl.put(url, requests);
        }
        for (String id : loadingIds) {
            assertThat(writer.post("serving.register_container", "{\"container_id\": \"" + id
                    + "\", \"endpoint_name\": \"loading\", \"model_name\": \"m\", \"timeout\": 600}").status())
                    .isEqualTo(200);
        }

        String historyBody = "\"from_date\": " + (startSec - 7200) + ", \"to_date\": " + (startSec + 7200)
                + ", \"interval\": 3600, \"metric_type\": \"requests\", \"instance_charts\": true}";
        List<ServingClient> readers = List.of(client(one), client(two));

        JsonNode endpoints = converge("get_endpoints", readers, c -> c.get("serving.get_endpoints", "{}"),
                data -> urlsAndRequests(data).equals(requestsByUrl));
        assertThat(endpoints.path("endpoints")).hasSize(urls.size());

        JsonNode loading = converge("get_loading_instances", readers,
                c -> withoutAge(c.get("serving.get_loading_instances", "{}")),
                data -> ids(data).equals(loadingIds.stream().sorted().toList()));
        assertThat(loading.path("instances").get(0).path("endpoint").asText()).isEqualTo("loading");

        for (String url : urls) {
            JsonNode details = converge("get_endpoint_details " + url, readers,
                    c -> c.get("serving.get_endpoint_details", "{\"endpoint_url\": \"" + url + "\"}"),
                    data -> data.path("instances").size() == (urls.indexOf(url) % 2 == 0 ? 2 : 1));
            assertThat(details.path("url").asText()).isEqualTo(url);

            JsonNode history = converge("get_endpoint_metrics_history " + url, readers,
                    c -> c.get("serving.get_endpoint_metrics_history", "{\"endpoint_url\": \"" + url + "\", " + historyBody),
                    data -> sum(data.path("total").path("values")) == requestsByUrl.get(url));
            assertThat(history.path("instances").size()).isEqualTo(urls.indexOf(url) % 2 == 0 ? 2 : 1);
        }

        // An unknown url is the owner's 400/1052, on both instances.
        for (ServingClient reader : readers) {
            Reply none = reader.get("serving.get_endpoint_details", "{\"endpoint_url\": \"https://mi.example/none\"}");
            assertThat(none.status()).isEqualTo(400);
            assertThat(none.resultSubcode()).isEqualTo(1052);
        }

        // Instance 2 stops: instance 1 answers 503 while it cannot reach all partitions, never a partial list,
        // and the complete list once it holds them all.
        two.close();
        ServingClient survivor = client(one);
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (true) {
            Reply reply = survivor.get("serving.get_endpoints", "{}");
            if (reply.status() == 200) {
                assertThat(urlsAndRequests(reply.data())).as("a 200 answer is complete").isEqualTo(requestsByUrl);
                break;
            }
            assertThat(reply.status()).as(reply.body()).isEqualTo(503);
            assertThat(System.nanoTime()).as("instance 1 alone answers within " + CONVERGE).isLessThan(deadline);
        }
    }

    private StandaloneApp start(String applicationId, Path credentials, String name) throws Exception {
        StandaloneApp app = TestApps.start(kafka, tmp.resolve(name), credentials, applicationId,
                new PrintStream(new ByteArrayOutputStream()));
        apps.add(app);
        return app;
    }

    /** Both RUNNING, and both see a group of two that each own tasks. */
    private static void awaitSettled(StandaloneApp one, StandaloneApp two) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            if (settled(one) && settled(two)) {
                return;
            }
            assertThat(System.nanoTime()).as("the two instances settle within " + SETTLE).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static boolean settled(StandaloneApp app) {
        KafkaStreams streams = app.streamsRunner().streams();
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        Collection<StreamsMetadata> clients = streams.metadataForAllStreamsClients();
        return clients.size() == 2 && clients.stream().allMatch(client -> !client.topicPartitions().isEmpty());
    }

    /** The first {@code count} keys such that both instances own at least a third of them. */
    private static List<String> keysOwnedByBoth(StandaloneApp app, int count,
                                                IntFunction<String> candidate,
                                                Function<String, KeyQueryMetadata> locate) {
        HostInfo self = new HostInfo("127.0.0.1", app.port());
        List<String> mine = new ArrayList<>();
        List<String> theirs = new ArrayList<>();
        for (int i = 0; mine.size() + theirs.size() < count || mine.size() < count / 3 || theirs.size() < count / 3; i++) {
            assertThat(i).as("keys spread over both instances").isLessThan(10_000);
            String key = candidate.apply(i);
            KeyQueryMetadata where = locate.apply(key);
            assertThat(where).isNotEqualTo(KeyQueryMetadata.NOT_AVAILABLE);
            List<String> side = where.activeHost().equals(self) ? mine : theirs;
            if (side.size() < count - count / 3) {
                side.add(key);
            }
        }
        List<String> keys = new ArrayList<>(mine);
        keys.addAll(theirs);
        return keys;
    }

    /**
     * Polls {@code read} on every instance until all answer 200 with {@code complete} data, the
     * same on all; returns it. Fails at the deadline with the last answers.
     */
    private static JsonNode converge(String what, List<ServingClient> readers,
                                     Function<ServingClient, Reply> read,
                                     Predicate<JsonNode> complete) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        Map<Integer, String> last = new LinkedHashMap<>();
        while (true) {
            List<JsonNode> answers = new ArrayList<>();
            for (int i = 0; i < readers.size(); i++) {
                Reply reply = read.apply(readers.get(i));
                last.put(i + 1, reply.status() + " " + reply.body());
                if (reply.status() == 200 && complete.test(reply.data())) {
                    answers.add(reply.data());
                }
            }
            if (answers.size() == readers.size() && answers.stream().distinct().count() == 1) {
                return answers.get(0);
            }
            assertThat(System.nanoTime()).as(what + " complete and identical on every instance; last: " + last)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static ServingClient client(StandaloneApp app) {
        return new ServingClient("http://127.0.0.1:" + app.port()).withBasic(KEY, SECRET);
    }

    private static String statusReport(String containerId, String url, long requests) {
        return "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"ep\", \"model_name\": \"model\","
                + " \"endpoint_url\": \"" + url + "\", \"uptime_sec\": 60, \"requests_num\": " + requests
                + ", \"requests_min\": 1.5, \"latency_ms\": 12}";
    }

    private static Map<String, Long> urlsAndRequests(JsonNode data) {
        Map<String, Long> byUrl = new HashMap<>();
        data.path("endpoints").forEach(row -> byUrl.put(row.path("url").asText(), row.path("requests").asLong()));
        return new TreeMap<>(byUrl);
    }

    private static List<String> ids(JsonNode data) {
        List<String> ids = new ArrayList<>();
        data.path("instances").forEach(row -> ids.add(row.path("id").asText()));
        return ids;
    }

    /** {@code age_sec} counts from each answer's own "now"; everything else must be identical. */
    private static Reply withoutAge(Reply reply) {
        reply.data().path("instances").forEach(row -> ((ObjectNode) row).remove("age_sec"));
        return reply;
    }

    private static long sum(JsonNode values) {
        double total = 0;
        for (JsonNode value : values) {
            total += value.asDouble();
        }
        return Math.round(total);
    }
}
