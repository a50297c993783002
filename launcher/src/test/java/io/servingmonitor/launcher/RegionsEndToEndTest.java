package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole services on one real broker, as the nodes of two regions that share a cluster: one
 * started with {@code --region eu-west-1}, one with {@code --region us-east-1} (each its own
 * Streams application, so each reads every event: answers are global). Through HTTP: a container
 * shows the region of the node that took its latest register or report, in
 * {@code get_loading_instances} and {@code get_endpoint_details}, on both nodes, and the event
 * on {@code container-events} carries it. (Without {@code --region} the answers have no region
 * key: {@link StandaloneEndToEndTest}.)
 */
class RegionsEndToEndTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String COMPANY = "regions-e2e";
    private static final String EU = "eu-west-1";
    private static final String US = "us-east-1";

    @TempDir
    static Path dir;

    private static StandaloneApp eu;
    private static StandaloneApp us;
    private static ServingClient viaEu;
    private static ServingClient viaUs;

    @BeforeAll
    static void startApps() throws Exception {
        Path credentials = TestApps.credentials(dir, COMPANY + ":regions-key:regions-secret");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        eu = TestApps.start(KAFKA, dir.resolve("eu"), credentials, KAFKA.uniqueName("regions-eu"), quiet,
                "--region", EU, "--zone", "eu-west-1a");
        us = TestApps.start(KAFKA, dir.resolve("us"), credentials, KAFKA.uniqueName("regions-us"), quiet,
                "--region", US);
        assertThat(eu.awaitRunning(Duration.ofSeconds(60))).isTrue();
        assertThat(us.awaitRunning(Duration.ofSeconds(60))).isTrue();
        viaEu = new ServingClient(TestApps.baseUrl(eu)).withBasic("regions-key", "regions-secret");
        viaUs = new ServingClient(TestApps.baseUrl(us)).withBasic("regions-key", "regions-secret");
    }

    @AfterAll
    static void stopApps() {
        if (us != null) {
            us.close();
        }
        if (eu != null) {
            eu.close();
        }
    }

    @Test
    void aLoadingContainerShowsTheRegionOfTheNodeItRegisteredThroughOnEveryNode() throws Exception {
        ok(viaEu.post("serving.register_container", "{\"container_id\": \"loading-eu\", \"endpoint_name\": \"ep\","
                + " \"model_name\": \"m\"}"));

        for (ServingClient reader : List.of(viaEu, viaUs)) {
            JsonNode row = eventually(() -> reader.get("serving.get_loading_instances", "{}"),
                    r -> find(r.data().path("instances"), "loading-eu") != null)
                    .data().path("instances");
            assertThat(find(row, "loading-eu").path("region").asText()).isEqualTo(EU);
            assertThat(find(row, "loading-eu").path("url").isNull()).as("ClearML's fields are all still there").isTrue();
        }
    }

    @Test
    void endpointDetailsShowEachContainersRegionAndALaterReportThroughAnotherRegionChangesIt() throws Exception {
        String url = "https://regions.example/predict";
        ok(viaEu.post("serving.register_container", model("serving-eu", url) + "}"));
        ok(viaUs.post("serving.register_container", model("serving-us", url) + "}"));

        for (ServingClient reader : List.of(viaEu, viaUs)) {
            JsonNode instances = eventually(() -> details(reader, url), r -> r.data().path("instances").size() == 2)
                    .data().path("instances");
            assertThat(find(instances, "serving-eu").path("region").asText()).isEqualTo(EU);
            assertThat(find(instances, "serving-us").path("region").asText()).isEqualTo(US);
        }

        ok(viaUs.post("serving.container_status_report", model("serving-eu", url) + ", \"requests_num\": 7}"));

        for (ServingClient reader : List.of(viaEu, viaUs)) {
            JsonNode moved = eventually(() -> details(reader, url),
                    r -> find(r.data().path("instances"), "serving-eu").path("requests").asLong() == 7)
                    .data().path("instances");
            assertThat(find(moved, "serving-eu").path("region").asText()).as("the last writer's region").isEqualTo(US);
        }
    }

    @Test
    void everyEventOnContainerEventsCarriesTheRegionOfTheNodeThatWroteIt() {
        ok(viaEu.post("serving.register_container", model("event-eu", "https://regions.example/events") + "}"));
        ok(viaUs.post("serving.container_status_report", model("event-us", "https://regions.example/events") + "}"));

        Map<String, String> regions = regionsOnKafka(List.of("event-eu", "event-us"));

        assertThat(regions).containsEntry("event-eu", EU).containsEntry("event-us", US);
    }

    private static Reply details(ServingClient reader, String url) {
        return reader.get("serving.get_endpoint_details", "{\"endpoint_url\": \"" + url + "\"}");
    }

    /** The region of the first event of each of {@code ids} (of our company) on container-events. */
    private static Map<String, String> regionsOnKafka(List<String> ids) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, KAFKA.uniqueName("regions-reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, String> regions = new HashMap<>();
        try (KafkaConsumer<ContainerKey, ContainerEvent> consumer = new KafkaConsumer<>(config,
                Serdes.containerKey().deserializer(), Serdes.containerEvent().deserializer())) {
            consumer.subscribe(List.of(Topics.CONTAINER_EVENTS));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!regions.keySet().containsAll(ids) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    ContainerEvent event = record.value();
                    if (event != null && COMPANY.equals(event.company()) && ids.contains(event.containerId())) {
                        regions.putIfAbsent(event.containerId(), event.region());
                    }
                });
            }
        }
        assertThat(regions.keySet()).as("the events reached Kafka").containsAll(ids);
        return regions;
    }

    private static JsonNode find(JsonNode rows, String id) {
        List<JsonNode> found = new ArrayList<>();
        rows.forEach(row -> {
            if (row.path("id").asText().equals(id)) {
                found.add(row);
            }
        });
        return found.isEmpty() ? null : found.get(0);
    }

    private static String model(String containerId, String url) {
        return "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\","
                + " \"endpoint_url\": \"" + url + "\"";
    }

    private static Reply ok(Reply reply) {
        return TestApps.ok(reply);
    }

    private static Reply eventually(java.util.function.Supplier<Reply> ask, Predicate<Reply> done) throws InterruptedException {
        return TestApps.eventually(PATIENCE, ask, done);
    }
}
