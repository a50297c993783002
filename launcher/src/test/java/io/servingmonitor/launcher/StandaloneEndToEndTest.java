package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.util.ArrayList;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service in one process against a real Kafka broker, driven over HTTP: two containers
 * on one url report their load, every read is checked with exact values, then both unregister.
 * Once with Basic credentials and POST, once the way the ClearML SDK speaks (auth.login, then GET
 * with a JSON body and a Bearer token).
 */
class StandaloneEndToEndTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final long BUCKET_SEC = 40;

    @TempDir
    static Path dir;

    private static StandaloneApp app;
    private static String baseUrl;

    @BeforeAll
    static void startApp() throws Exception {
        Path credentials = TestApps.credentials(dir, "# one tenant per test, so that no test sees another's containers",
                "e2e-basic:basic-key:basic-secret", "e2e-sdk:sdk-key:sdk-secret", "e2e-rejects:rej-key:rej-secret",
                "e2e-expiry:exp-key:exp-secret");
        app = TestApps.startRunning(KAFKA, dir, credentials, "e2e");
        baseUrl = TestApps.baseUrl(app);
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void healthIsOkWhenKafkaAndStreamsAreUp() {
        Reply reply = new ServingClient(baseUrl).call("GET", "/health", null, null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("streams").asText()).isEqualTo("RUNNING");
    }

    @Test
    void scenarioWithBasicCredentialsAndPost() throws Exception {
        ServingClient client = new ServingClient(baseUrl).withBasic("basic-key", "basic-secret");
        runScenario(client::post, "basic");
    }

    @Test
    void scenarioAsTheClearMlSdkSpeaks() throws Exception {
        ServingClient client = new ServingClient(baseUrl).login("sdk-key", "sdk-secret");
        runScenario(client::get, "sdk");
    }

    @Test
    void rejectedWritesAre4xxEnvelopesAndLeaveNothingOnKafka() {
        ServingClient client = new ServingClient(baseUrl).withBasic("rej-key", "rej-secret");
        String nested = "{\"container_id\": \"rejected-9\", \"x\": " + "[".repeat(200) + "]".repeat(200) + "}";
        String huge = "{\"container_id\": \"rejected-10\", \"endpoint_name\": \"" + "e".repeat(1_100_000) + "\"}";
        List<Reply> replies = List.of(
                client.post("serving.register_container", "{\"container_id\": \"rejected-1\", "),
                client.post("serving.register_container", model("rejected-2", "/u") + ", \"timeout\": \"soon\"}"),
                client.post("serving.register_container", model("rejected-3", "/u") + ", \"timeout\": 0}"),
                client.post("serving.container_status_report", model("rejected-4", "/u") + ", \"requests_num\": -5}"),
                client.post("serving.container_status_report", model("rejected-5", "/u") + ", \"latency_ms\": 1e300}"),
                client.post("serving.register_container", model("rejected-6", "/u")
                        + ", \"reference\": [{\"type\": \"planet\", \"value\": \"x\"}]}"),
                client.post("serving.register_container", "{\"container_id\": \"rejected-7\"}"),
                client.post("serving.container_status_report",
                        "{\"container_id\": \"rejected-8\", \"endpoint_name\": \"e\", \"model_name\": \"m\"}"),
                client.post("serving.register_container", nested),
                client.post("serving.register_container", huge),
                client.post("serving.register_containers", model("rejected-11", "/u") + "}"),
                new ServingClient(baseUrl).post("serving.register_container", model("rejected-12", "/u") + "}"));

        assertThat(replies).allSatisfy(reply -> {
            assertThat(reply.status()).as(reply.body()).isBetween(400, 499);
            assertThat(reply.resultCode()).isEqualTo(reply.status());
            assertThat(reply.body()).doesNotContain("Exception", "\tat ");
        });
        assertThat(replies).extracting(Reply::resultSubcode)
                .containsExactly(12, 12, 12, 12, 12, 12, 11, 12, 12, 0, 0, 20);
        assertThat(replies.get(9).status()).isEqualTo(413);
        assertThat(replies.get(10).status()).isEqualTo(404);

        String marker = "accepted-" + UUID.randomUUID();
        ok(client.post("serving.register_container", model(marker, "/u") + "}"));
        assertThat(containerIdsOnKafkaUpTo(marker)).noneMatch(id -> id.startsWith("rejected-"));
    }

    @Test
    void silentContainerExpiresAfterItsTimeoutAndIsTombstoned() throws Exception {
        ServingClient client = new ServingClient(baseUrl).withBasic("exp-key", "exp-secret");
        String url = "https://serving.example/expiry";
        ok(client.post("serving.register_container", model("short-lived", url) + ", \"timeout\": 2}"));
        ok(client.post("serving.register_container", model("long-lived", url) + ", \"timeout\": 600}"));
        eventually(() -> client.get("serving.get_endpoints", "{}"),
                r -> r.data().path("endpoints").path(0).path("instances").asInt() == 2);

        Reply after = eventually(() -> client.get("serving.get_endpoints", "{}"),
                r -> r.data().path("endpoints").path(0).path("instances").asInt() == 1);
        assertThat(after.data().path("endpoints")).hasSize(1);

        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, KAFKA.uniqueName("e2e-state-reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        ContainerKey key = new ContainerKey("e2e-expiry", "short-lived");
        boolean tombstone = false;
        try (KafkaConsumer<ContainerKey, ContainerEntry> consumer = new KafkaConsumer<>(config,
                Serdes.containerKey().deserializer(), Serdes.containerEntry().deserializer())) {
            consumer.subscribe(List.of(Topics.CONTAINER_STATE));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!tombstone && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().equals(key) && record.value() == null) {
                        tombstone = true;
                    }
                }
            }
        }
        assertThat(tombstone).as("container-state carries a tombstone for the expired container").isTrue();
    }

    /** The container ids of every event on container-events, read from the start until {@code marker} shows up. */
    private static List<String> containerIdsOnKafkaUpTo(String marker) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, KAFKA.uniqueName("e2e-reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<ContainerKey, ContainerEvent> consumer = new KafkaConsumer<>(config,
                Serdes.containerKey().deserializer(), Serdes.containerEvent().deserializer())) {
            consumer.subscribe(List.of(Topics.CONTAINER_EVENTS));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!ids.contains(marker) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> ids.add(record.key().containerId()));
            }
        }
        assertThat(ids).as("the accepted marker event reached Kafka").contains(marker);
        return ids;
    }

    /**
     * Registers c1 and c2 on one url and a loading c3, sends three status reports inside one
     * 40-second chart bucket, checks every read, then unregisters c1 and c2.
     */
    private static void runScenario(BiFunction<String, String, Reply> call, String tag) throws Exception {
        String url = "https://serving.example/" + tag + "/predict";
        String c1 = tag + "-c1";
        String c2 = tag + "-c2";
        String c3 = tag + "-c3";
        long bucket = waitForRoomInOneBucket();

        ok(call.apply("serving.register_container", model(c1, url) + ", \"timeout\": 600}"));
        ok(call.apply("serving.register_container", model(c2, url) + "}"));
        ok(call.apply("serving.register_container", "{\"container_id\": \"" + c3
                + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\", \"input_size\": 2048}"));
        ok(call.apply("serving.container_status_report", model(c1, url) + ", \"uptime_sec\": 100, \"requests_num\": 1000,"
                + " \"requests_min\": 10.0, \"latency_ms\": 20.4, \"machine_stats\": {\"cpu_usage\": [10, 30],"
                + " \"gpu_usage\": [40], \"memory_used\": 2048, \"memory_free\": 2048}}"));
        ok(call.apply("serving.container_status_report", model(c2, url) + ", \"uptime_sec\": 50, \"requests_num\": 500,"
                + " \"requests_min\": 5.5, \"latency_ms\": 31, \"machine_stats\": {\"cpu_usage\": [20],"
                + " \"memory_used\": 1024, \"memory_free\": 3072}}"));
        Instant beforeLastReport = Instant.now();
        ok(call.apply("serving.container_status_report", model(c1, url) + ", \"uptime_sec\": 110, \"requests_num\": 1100,"
                + " \"requests_min\": 12.0, \"latency_ms\": 30, \"machine_stats\": {\"cpu_usage\": [30, 50],"
                + " \"gpu_usage\": [60], \"memory_used\": 2048, \"memory_free\": 2048}}"));
        Instant afterLastReport = Instant.now();
        assertThat(Instant.now().getEpochSecond() / BUCKET_SEC * BUCKET_SEC)
                .as("all reports fell into one chart bucket").isEqualTo(bucket);

        // get_endpoints: sums and means over the two live containers.
        JsonNode row = eventually(() -> call.apply("serving.get_endpoints", "{}"),
                r -> r.data().path("endpoints").size() == 1
                        && r.data().path("endpoints").get(0).path("requests").asLong() == 1600)
                .data().path("endpoints").get(0);
        assertThat(row.path("endpoint").asText()).isEqualTo("ep");
        assertThat(row.path("model").asText()).isEqualTo("m");
        assertThat(row.path("url").asText()).isEqualTo(url);
        assertThat(row.path("instances").asInt()).isEqualTo(2);
        assertThat(row.path("uptime_sec").asLong()).isEqualTo(110);
        assertThat(row.path("requests_min").asDouble()).isEqualTo(8.75);
        assertThat(row.path("latency_ms").asLong()).isEqualTo(31);
        assertThat(Instant.parse(row.path("last_update").asText())).isBetween(
                beforeLastReport.minusMillis(1), afterLastReport.plusMillis(1));

        // get_endpoint_details: per instance.
        Reply details = ok(call.apply("serving.get_endpoint_details", "{\"endpoint_url\": \"" + url + "\"}"));
        assertThat(details.data().path("uptime_sec").asLong()).isEqualTo(110);
        JsonNode instances = details.data().path("instances");
        assertThat(instances).hasSize(2);
        assertThat(instances.get(0).path("id").asText()).isEqualTo(c1);
        assertThat(instances.get(0).path("requests").asLong()).isEqualTo(1100);
        assertThat(instances.get(0).path("requests_min").asDouble()).isEqualTo(12.0);
        assertThat(instances.get(0).path("latency_ms").asLong()).isEqualTo(30);
        assertThat(instances.get(0).path("cpu_count").asInt()).isEqualTo(2);
        assertThat(instances.get(0).path("gpu_count").asInt()).isEqualTo(1);
        assertThat(instances.get(0).path("reference").isArray()).isTrue();
        assertThat(instances.get(1).path("id").asText()).isEqualTo(c2);
        assertThat(instances.get(1).path("requests").asLong()).isEqualTo(500);
        assertThat(instances.get(1).path("cpu_count").asInt()).isEqualTo(1);
        assertThat(instances.get(1).path("gpu_count").asInt()).isEqualTo(0);
        assertThat(instances).as("a node without --region shows no region key").allSatisfy(instance ->
                assertThat(fieldNames(instance)).containsExactly("id", "uptime_sec", "requests", "requests_min",
                        "latency_ms", "last_update", "reference", "cpu_count", "gpu_count"));

        // get_loading_instances: the container without url.
        JsonNode loading = ok(call.apply("serving.get_loading_instances", "{}")).data().path("instances");
        assertThat(loading).hasSize(1);
        assertThat(loading.get(0).path("id").asText()).isEqualTo(c3);
        assertThat(loading.get(0).path("url").isNull()).isTrue();
        assertThat(loading.get(0).path("input_size").asText()).isEqualTo("2048");
        assertThat(fieldNames(loading.get(0))).as("ClearML's container_info fields, no region key").containsExactly("id",
                "endpoint", "url", "model", "model_source", "model_version", "preprocess_artifact", "input_type",
                "input_size", "uptime_sec", "age_sec", "last_update");

        // Charts: three buckets from two before the reports' bucket; dates in epoch milliseconds.
        long from = bucket - 2 * BUCKET_SEC;
        long to = bucket + BUCKET_SEC;
        List<Long> dates = List.of(from * 1000, (from + BUCKET_SEC) * 1000, bucket * 1000);
        // The metric windows are a separate stage of the topology: wait until it has seen the last report.
        String requestsQuery = historyQuery(url, from, to, "requests");
        JsonNode requests = eventually(() -> call.apply("serving.get_endpoint_metrics_history", requestsQuery),
                r -> doubles(r.data().path("total").path("values")).equals(List.of(1600.0))).data();
        assertThat(requests.path("computed_interval").asLong()).isEqualTo(BUCKET_SEC);
        assertThat(requests.path("total").path("title").asText()).isEqualTo("Number of Requests");
        assertThat(longs(requests.path("total").path("dates"))).containsExactly(bucket * 1000);
        assertThat(doubles(requests.path("total").path("values"))).containsExactly(1600.0);
        assertThat(doubles(requests.path("instances").path(c1).path("values"))).containsExactly(1100.0);
        assertThat(doubles(requests.path("instances").path(c2).path("values"))).containsExactly(500.0);

        JsonNode latency = history(call, url, from, to, "latency_ms");
        assertThat(longs(latency.path("total").path("dates"))).isEqualTo(dates);
        assertThat(doubles(latency.path("total").path("values"))).containsExactly(0.0, 0.0, 28.0);
        assertThat(doubles(latency.path("instances").path(c1).path("values"))).containsExactly(0.0, 0.0, 25.0);

        JsonNode cpu = history(call, url, from, to, "cpu_util");
        assertThat(cpu.path("total").path("title").asText()).isEqualTo("Average CPU Load (%)");
        assertThat(doubles(cpu.path("total").path("values"))).containsExactly(0.0, 0.0, 25.0);

        JsonNode ram = history(call, url, from, to, "ram_total");
        assertThat(doubles(ram.path("total").path("values"))).containsExactly(0.0, 0.0, 8.0);
        assertThat(doubles(ram.path("instances").path(c2).path("values"))).containsExactly(0.0, 0.0, 4.0);

        // Unregister both: the endpoint is gone.
        ok(call.apply("serving.unregister_container", "{\"container_id\": \"" + c1 + "\"}"));
        ok(call.apply("serving.unregister_container", "{\"container_id\": \"" + c2 + "\"}"));
        Reply gone = eventually(() -> call.apply("serving.get_endpoint_details", "{\"endpoint_url\": \"" + url + "\"}"),
                r -> r.status() == 400);
        assertThat(gone.resultSubcode()).isEqualTo(1052);
        assertThat(ok(call.apply("serving.get_endpoints", "{}")).data().path("endpoints")).isEmpty();
    }

    private static String model(String containerId, String url) {
        return "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\","
                + " \"endpoint_url\": \"" + url + "\"";
    }

    private static JsonNode history(BiFunction<String, String, Reply> call, String url, long from, long to, String metric) {
        return ok(call.apply("serving.get_endpoint_metrics_history", historyQuery(url, from, to, metric))).data();
    }

    private static String historyQuery(String url, long from, long to, String metric) {
        return "{\"endpoint_url\": \"" + url + "\", \"from_date\": " + from + ", \"to_date\": " + to
                + ", \"interval\": 1, \"metric_type\": \"" + metric + "\"}";
    }

    private static Reply ok(Reply reply) {
        return TestApps.ok(reply);
    }

    private static Reply eventually(java.util.function.Supplier<Reply> ask, Predicate<Reply> done) throws InterruptedException {
        return TestApps.eventually(PATIENCE, ask, done);
    }

    /**
     * Waits until at least 10 s are left in the current 40 s chart bucket, so that the reports
     * sent next all fall into it; returns that bucket's start (epoch seconds).
     */
    private static long waitForRoomInOneBucket() throws InterruptedException {
        long now = System.currentTimeMillis();
        long intoBucketMs = now % (BUCKET_SEC * 1000);
        if (intoBucketMs > (BUCKET_SEC - 10) * 1000) {
            Thread.sleep(BUCKET_SEC * 1000 - intoBucketMs + 50);
        }
        return System.currentTimeMillis() / 1000 / BUCKET_SEC * BUCKET_SEC;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<Long> longs(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asLong).toList();
    }

    private static List<Double> doubles(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asDouble).toList();
    }
}
