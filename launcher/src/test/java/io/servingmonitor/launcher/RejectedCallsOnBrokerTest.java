package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.launcher.FuzzRequests.Call;
import io.servingmonitor.launcher.FuzzRequests.Keys;
import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import java.nio.file.Files;

/**
 * Promise 9 on a real broker, for a sample of the generated calls of {@link BadInputProperties}
 * (drawn from a fixed seed): the whole service in one process, and {@code container-events} then
 * holds exactly one event of the calling company per write answered 200, none for the rest.
 */
class RejectedCallsOnBrokerTest {

    /**
     * The shared broker. jqwik runs no JUnit Jupiter extension: the broker starts when the service
     * asks for its address, and stops with a Jupiter run that uses it or, at the latest, when the
     * JVM exits.
     */
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final String COMPANY = "fuzz-on-broker-co";
    private static final int CALLS = 400;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static StandaloneApp app;
    private static Keys keys;

    @BeforeContainer
    static void startApp() throws Exception {
        Path dir = Files.createTempDirectory("fuzz-on-broker");
        Path credentials = TestApps.credentials(dir, COMPANY + ":fb-key:fb-secret", "fuzz-on-broker-other:fo-key:fo-secret");
        app = TestApps.startRunning(KAFKA, dir, credentials, "fuzz-broker");
        String basic = ServingClient.basic("fb-key", "fb-secret");
        Reply login = new ServingClient(TestApps.baseUrl(app)).call("GET", "/auth.login", basic, null);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        keys = new Keys(basic, "Bearer " + login.data().path("token").asText(), ServingClient.basic("fo-key", "fo-secret"));
    }

    @AfterContainer
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    /**
     * One sample of 400 calls from a fixed seed, sent in order; the check is over the whole sample
     * (the events on the topic), so it is one try, without edge cases or shrinking.
     */
    @Property(seed = "909", tries = 1, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void onlyTheWritesAnswered200LeaveEventsOnKafka(@ForAll("sampleOfCalls") List<Call> calls) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        int accepted = 0;
        List<String> statuses = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            if (keys.otherBasic().equals(call.authorization())) {
                continue; // the other company's writes are not this company's events
            }
            if (dashboardPage(call)) {
                continue; // not an API call in the whole service
            }
            BadInputProperties.Answer answer = send(http, call);
            statuses.add(String.valueOf(answer.status()));
            assertThat(answer.status()).as("status of call %s of %s: %s", i + 1, CALLS, call).isBetween(200, 499);
            if (call.method().equals("HEAD")) {
                assertThat(answer.body()).as("body of call %s of %s: %s", i + 1, CALLS, call).isEmpty();
                continue;
            }
            assertThat(answer.json().path("meta").path("result_code").asInt())
                    .as("result_code of call %s of %s: %s", i + 1, CALLS, call)
                    .isEqualTo(answer.status());
            String served = answer.json().path("meta").path("endpoint").path("name").asText("");
            if (answer.status() == 200 && FuzzRequests.WRITE_ACTIONS.contains(served)) {
                accepted++;
            }
        }
        String marker = "marker-" + UUID.randomUUID();
        Reply last = new ServingClient(TestApps.baseUrl(app)).withBasic("fb-key", "fb-secret")
                .post("serving.register_container", "{\"container_id\": \"" + marker
                        + "\", \"endpoint_name\": \"e\", \"model_name\": \"m\"}");
        assertThat(last.status()).as(last.body()).isEqualTo(200);

        List<ContainerEvent> events = companyEventsUpTo(marker);
        assertThat(accepted).as("the sample holds accepted writes too").isPositive();
        assertThat(events).as("events of %s for %s calls answered %s", COMPANY, CALLS, statuses)
                .hasSize(accepted + 1);
    }

    /**
     * 400 calls as {@link BadInputProperties} draws them: its generators, at the size its tries give
     * them (not the size of this property's one try, which would keep texts and lists short).
     */
    @Provide
    Arbitrary<List<Call>> sampleOfCalls() {
        return FuzzRequests.calls(keys).fixGenSize(BadInputProperties.TRIES).list().ofSize(CALLS);
    }

    /**
     * Whether {@code call} asks for the dashboard's page, which the whole service serves at
     * {@code GET /} (HTML, no envelope); {@link BadInputProperties} sends it to the API alone.
     */
    private static boolean dashboardPage(Call call) {
        return call.method().equals("GET") && (call.pathAndQuery().equals("/") || call.pathAndQuery().startsWith("/?"));
    }

    /** The answer; every call gets one (see BadInputProperties), so a call without one fails the test. */
    private static BadInputProperties.Answer send(HttpClient http, Call call) {
        try {
            HttpResponse<String> response = http.send(call.request(TestApps.baseUrl(app), Duration.ofSeconds(30)),
                    HttpResponse.BodyHandlers.ofString());
            return new BadInputProperties.Answer(response.statusCode(), response.body(), BadInputProperties.parse(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("no answer to " + call, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** This company's events on container-events, read from the start until {@code marker} shows up. */
    private static List<ContainerEvent> companyEventsUpTo(String marker) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, KAFKA.uniqueName("fuzz-reader"),
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
