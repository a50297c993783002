package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.ingest.IngestActions;
import io.servingmonitor.query.QueryActions;
import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code ingest} and {@code query} roles in one JVM against a real broker: an ingest node takes
 * the writes (and nothing else), a query node the reads (and refuses writes with a 404 envelope
 * without writing), and a query node reads what was written through an ingest node. A strict
 * ingest node asks the query nodes whether a container is registered.
 */
class RolesTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String COMPANY = "roles-co";

    private static final List<AutoCloseable> NODES = new ArrayList<>();
    private static Path dir;
    private static Path credentials;
    private static ServingNode ingest;
    private static ServingNode query;
    private static ServingClient toIngest;
    private static ServingClient toQuery;

    @BeforeAll
    static void startNodes() throws Exception {
        dir = Files.createTempDirectory("roles");
        credentials = TestApps.credentials(dir, COMPANY + ":roles-key:roles-secret");
        ingest = start(Role.INGEST, List.of());
        query = start(Role.QUERY, List.of("--data-dir", dir.resolve("query").toString(),
                "--application-id", KAFKA.uniqueName("roles")));
        assertThat(query.awaitRunning(PATIENCE)).as("the query node's Streams is RUNNING").isTrue();
        toIngest = client(ingest);
        toQuery = client(query);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (int i = NODES.size() - 1; i >= 0; i--) {
            NODES.get(i).close();
        }
    }

    private static ServingNode start(Role role, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--port", "0",
                "--credentials", credentials.toString(),
                "--token-secret", TestApps.TOKEN_SECRET));
        args.addAll(extra);
        ServingNode node = ServingNode.start(LauncherOptions.parse(role, args, Map.of()), Clock.systemUTC(), System.out);
        NODES.add(node);
        return node;
    }

    private static ServingClient client(ServingNode node) {
        return new ServingClient("http://127.0.0.1:" + node.port()).withBasic("roles-key", "roles-secret");
    }

    @Test
    void ingestNodeTakesAWriteThatLandsInContainerEvents() {
        String id = "ingested-" + UUID.randomUUID();

        TestApps.ok(toIngest.post(IngestActions.REGISTER_CONTAINER, register(id, "/roles/" + id)));

        List<ContainerEvent> events = eventsUpTo(id);
        assertThat(events).filteredOn(e -> e.containerId().equals(id)).hasSize(1);
    }

    @Test
    void ingestNodeAnswersEveryReadActionWith404SayingReadsGoToQueryNodes() {
        for (String action : QueryActions.NAMES) {
            Reply reply = toIngest.post(action, "{\"endpoint_url\": \"/x\", \"from_date\": 1, \"to_date\": 2, \"interval\": 1}");

            assertThat(reply.status()).as(action + ": " + reply.body()).isEqualTo(404);
            assertThat(reply.resultCode()).isEqualTo(404);
            assertThat(reply.resultSubcode()).isZero();
            assertThat(reply.resultMsg()).contains("writes only", "query node");
        }
        assertThat(toIngest.call("POST", "/internal/query/get_endpoints", "{}").status())
                .as("no internal query routes on an ingest node").isEqualTo(404);
    }

    @Test
    void ingestNodeIsReadyWithoutKafkaStreams() {
        assertThat(ingest.streamsRunner()).as("an ingest node runs no Kafka Streams").isEmpty();

        Reply health = toIngest.call("GET", "/health", null, null);
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.json().path("kafka").asText()).isEqualTo("reachable");
        assertThat(health.json().has("streams")).as("no streams state in " + health.body()).isFalse();
        assertThat(toIngest.call("GET", "/health/write", null, null).status()).isEqualTo(200);
        assertThat(toIngest.call("GET", "/health/live", null, null).status()).isEqualTo(200);
        assertThat(toIngest.call("GET", "/health/read", null, null).status()).as("no reads here").isEqualTo(404);
        assertThat(toIngest.call("GET", "/metrics", null, null).body()).contains("serving_monitor_events_accepted_total");
    }

    @Test
    void queryNodeAnswersEveryWriteWith404SayingWritesGoToIngestNodesAndWritesNothing() {
        String refused = "refused-" + UUID.randomUUID();
        for (String action : IngestActions.NAMES) {
            String body = action.equals(IngestActions.UNREGISTER_CONTAINER)
                    ? "{\"container_id\": \"" + refused + "\"}" : register(refused, "/roles/refused");

            Reply reply = toQuery.post(action, body);

            assertThat(reply.status()).as(action + ": " + reply.body()).isEqualTo(404);
            assertThat(reply.resultCode()).isEqualTo(404);
            assertThat(reply.resultSubcode()).isZero();
            assertThat(reply.resultMsg()).contains("reads only", "ingest node");
        }
        String marker = "marker-" + UUID.randomUUID();
        TestApps.ok(toIngest.post(IngestActions.REGISTER_CONTAINER, register(marker, "/roles/marker")));

        assertThat(eventsUpTo(marker)).as("no event of the refused writes").noneMatch(e -> e.containerId().equals(refused));
        assertThat(toQuery.call("GET", "/health/write", null, null).status()).as("no write readiness here").isEqualTo(404);
    }

    @Test
    void queryNodeAnswersReadsOfDataWrittenThroughTheIngestNode() throws Exception {
        String id = "read-" + UUID.randomUUID();
        String url = "/roles/read/" + id;
        TestApps.ok(toIngest.post(IngestActions.REGISTER_CONTAINER, register(id, url)));
        TestApps.ok(toIngest.post(IngestActions.CONTAINER_STATUS_REPORT, "{\"container_id\": \"" + id
                + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\", \"endpoint_url\": \"" + url
                + "\", \"requests_num\": 42, \"latency_ms\": 7}"));

        TestApps.eventually(PATIENCE, () -> toQuery.post(QueryActions.GET_ENDPOINTS, "{}"),
                r -> r.status() == 200 && r.data().path("endpoints").findValuesAsText("url").contains(url));
        Reply details = TestApps.ok(toQuery.post(QueryActions.GET_ENDPOINT_DETAILS, "{\"endpoint_url\": \"" + url + "\"}"));
        assertThat(details.data().path("instances").path(0).path("id").asText()).isEqualTo(id);
        assertThat(details.data().path("instances").path(0).path("requests").asLong()).isEqualTo(42);
        Reply health = toQuery.call("GET", "/health", null, null);
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.json().path("streams").asText()).isEqualTo("RUNNING");
    }

    @Test
    void everyNodeIssuesTokensThatEveryOtherNodeAccepts() {
        String token = toIngest.call("GET", "/auth.login", ServingClient.basic("roles-key", "roles-secret"), null)
                .data().path("token").asText();

        Reply read = new ServingClient("http://127.0.0.1:" + query.port())
                .call("POST", "/" + QueryActions.GET_ENDPOINTS, "Bearer " + token, "{}");

        assertThat(read.status()).as(read.body()).isEqualTo(200);
    }

    @Test
    void strictIngestNodeAsksTheQueryNodesPastAnUnreachableOneWhetherAContainerIsRegistered() throws Exception {
        int unreachable;
        try (ServerSocket socket = new ServerSocket(0)) {
            unreachable = socket.getLocalPort();
        }
        ServingNode strict = start(Role.INGEST, List.of("--container-auto-register", "false",
                "--container-auto-unregister", "false",
                "--query-nodes", "127.0.0.1:" + unreachable + ",127.0.0.1:" + query.port()));
        ServingClient toStrict = client(strict);
        String unknown = "unknown-" + UUID.randomUUID();
        String known = "known-" + UUID.randomUUID();

        Reply refused = toStrict.post(IngestActions.CONTAINER_STATUS_REPORT, register(unknown, "/roles/strict"));
        TestApps.ok(toStrict.post(IngestActions.REGISTER_CONTAINER, register(known, "/roles/strict")));
        Reply accepted = toStrict.post(IngestActions.CONTAINER_STATUS_REPORT, register(known, "/roles/strict"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.resultSubcode()).isEqualTo(1051);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(toStrict.post(IngestActions.UNREGISTER_CONTAINER, "{\"container_id\": \"" + unknown + "\"}")
                .resultSubcode()).as("strict unregister of an unknown container").isEqualTo(1051);
    }

    private static String register(String id, String url) {
        return "{\"container_id\": \"" + id + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\", \"endpoint_url\": \""
                + url + "\"}";
    }

    /** This company's events on container-events, read from the start until {@code marker}'s shows up. */
    private static List<ContainerEvent> eventsUpTo(String marker) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, KAFKA.uniqueName("roles-reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ContainerEvent> events = new ArrayList<>();
        boolean seen = false;
        try (KafkaConsumer<ContainerKey, ContainerEvent> consumer = new KafkaConsumer<>(config,
                Serdes.containerKey().deserializer(), Serdes.containerEvent().deserializer())) {
            consumer.subscribe(List.of(Topics.CONTAINER_EVENTS));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!seen && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().company().equals(COMPANY)) {
                        events.add(record.value());
                        seen |= record.key().containerId().equals(marker);
                    }
                }
            }
        }
        assertThat(seen).as("the marker event reached Kafka").isTrue();
        return events;
    }
}
