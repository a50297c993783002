package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.testkafka.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClearML's strict registration modes end to end: the whole service started with
 * {@code --container-auto-register false --container-auto-unregister false} against a real broker,
 * driven over HTTP. Writes about a container the registry does not hold are 400/1051; a report
 * sent right after its register is accepted (the ingest asks the registry again while the
 * topology catches up).
 */
class StrictRegistrationTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String COMPANY = "strict-registration";

    @TempDir
    static Path dir;

    private static StandaloneApp app;
    private static ServingClient client;

    @BeforeAll
    static void startApp() throws Exception {
        Path credentials = TestApps.credentials(dir, COMPANY + ":strict-key:strict-secret");
        app = TestApps.startRunning(KAFKA, dir, credentials, "strict-registration",
                "--container-auto-register", "false", "--container-auto-unregister", "false");
        client = new ServingClient(TestApps.baseUrl(app)).withBasic("strict-key", "strict-secret");
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void statusReportOfAnUnknownContainerIsRefusedWith1051() {
        String id = "unknown-" + UUID.randomUUID();

        Reply reply = client.post("serving.container_status_report", report(id, "https://strict.example/unknown"));

        assertNotRegistered(reply, id);
    }

    @Test
    void registeredContainerIsAcceptedUntilItUnregistersThenRefusedWith1051() throws Exception {
        String id = "known-" + UUID.randomUUID();
        String url = "https://strict.example/" + id;

        ok(client.post("serving.register_container", report(id, url)));
        ok(client.post("serving.container_status_report", report(id, url)));
        eventually(() -> client.post("serving.get_endpoints", "{}"), r -> listsUrl(r, url));

        ok(client.post("serving.unregister_container", containerId(id)));
        // The registry answers for the writes it has processed: wait until the unregister is.
        eventually(() -> client.post("serving.get_endpoints", "{}"), r -> r.status() == 200 && !listsUrl(r, url));

        assertNotRegistered(client.post("serving.unregister_container", containerId(id)), id);
        assertNotRegistered(client.post("serving.container_status_report", report(id, url)), id);
    }

    private static String report(String id, String url) {
        return "{\"container_id\": \"" + id + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\","
                + " \"endpoint_url\": \"" + url + "\", \"requests_num\": 3}";
    }

    private static String containerId(String id) {
        return "{\"container_id\": \"" + id + "\"}";
    }

    private static boolean listsUrl(Reply reply, String url) {
        return reply.data().path("endpoints").findValuesAsText("url").contains(url);
    }

    private static void assertNotRegistered(Reply reply, String id) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.resultCode()).isEqualTo(400);
        assertThat(reply.resultSubcode()).isEqualTo(1051);
        assertThat(reply.meta().path("error_data").path("container_id").asText()).isEqualTo(id);
    }

    private static Reply ok(Reply reply) {
        return TestApps.ok(reply);
    }

    private static Reply eventually(Supplier<Reply> ask, Predicate<Reply> done) throws InterruptedException {
        return TestApps.eventually(PATIENCE, ask, done);
    }
}
