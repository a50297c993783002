package io.servingmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.ModelInfo;
import io.servingmonitor.topics.ReferenceItem;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IngestActionsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String REGISTER = IngestActions.REGISTER_CONTAINER;
    private static final String STATUS = IngestActions.CONTAINER_STATUS_REPORT;
    private static final String UNREGISTER = IngestActions.UNREGISTER_CONTAINER;

    private static final RecordingPublisher publisher = new RecordingPublisher();
    private static Javalin app;
    private static IngestClient client;

    @BeforeAll
    static void start() {
        ApiConfig config = ApiConfig.builder().bodyLimitBytes(16 * 1024).build();
        Credentials credentials = Credentials.of("company-a:key-a:secret-a", "company-b:key-b:secret-b");
        app = IngestApp.create(config, Authenticator.create(credentials, config, CLOCK), publisher, CLOCK, javalin -> { })
                .start("127.0.0.1", 0);
        client = new IngestClient(app.port());
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    @BeforeEach
    void reset() {
        publisher.clear();
    }

    /** A minimal valid register / status body with {@code extra} fields added (JSON members, comma-led). */
    private static String report(String extra) {
        return "{\"container_id\": \"c-1\", \"endpoint_name\": \"ep\", \"model_name\": \"m\", "
                + "\"endpoint_url\": \"http://serving/ep\"" + extra + "}";
    }

    private static void assertRefused(IngestClient.Reply reply, int status, int subcode) {
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.json().get("meta").get("result_code").asInt()).isEqualTo(status);
        assertThat(reply.subcode()).isEqualTo(subcode);
        assertThat(publisher.events()).isEmpty();
    }

    private static void assertInvalidField(IngestClient.Reply reply, String field) {
        assertRefused(reply, 400, 12);
        assertThat(reply.errorData().get("field").asText()).isEqualTo(field);
        assertThat(reply.message()).contains(field);
    }

    // register_container

    @Test
    void registerPublishesOneRegisterEventAndAnswersEmptyData() {
        IngestClient.Reply reply = client.call(REGISTER, "{\"container_id\": \"c-1\", \"endpoint_name\": \"ep\", "
                + "\"model_name\": \"m\", \"endpoint_url\": \"http://serving/ep\", \"model_source\": \"src\", "
                + "\"model_version\": \"3\", \"preprocess_artifact\": \"pre\", \"input_type\": \"image\", "
                + "\"input_size\": 1024, \"timeout\": 30, \"tags\": [\"t1\"], \"system_tags\": null, "
                + "\"reference\": [{\"type\": \"task\", \"value\": \"abc\"}, {\"type\": \"url\", \"value\": \"http://x\"}]}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().isObject()).isTrue();
        assertThat(reply.data().size()).isZero();
        assertThat(publisher.onlyEvent()).isEqualTo(new ContainerEvent(ContainerEventType.REGISTER, "company-a", "c-1",
                NOW.toEpochMilli(), "127.0.0.1", 30,
                new ModelInfo("ep", "http://serving/ep", "m", "src", "3", "pre", "image", "1024",
                        List.of(new ReferenceItem("task", "abc"), new ReferenceItem("url", "http://x")),
                        List.of("t1"), null),
                null));
    }

    @Test
    void registerDefaultsTheTimeoutTo600() {
        client.call(REGISTER, report(""));

        assertThat(publisher.onlyEvent().timeoutSec()).isEqualTo(600);
    }

    @Test
    void registerWithoutUrlIsALoadingContainer() {
        IngestClient.Reply reply = client.call(REGISTER, "{\"container_id\": \"c-1\", \"endpoint_name\": \"ep\", \"model_name\": \"m\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(publisher.onlyEvent().model().endpointUrl()).isNull();
    }

    @Test
    void registerWithEmptyUrlIsALoadingContainer() {
        client.call(REGISTER, "{\"container_id\": \"c-1\", \"endpoint_name\": \"ep\", \"model_name\": \"m\", \"endpoint_url\": \"\"}");

        assertThat(publisher.onlyEvent().model().endpointUrl()).isNull();
    }

    @Test
    void registerKeepsInputSizeNoneAsSent() {
        client.call(REGISTER, report(", \"input_size\": \"None\""));

        assertThat(publisher.onlyEvent().model().inputSize()).isEqualTo("None");
    }

    @Test
    void registerWithoutRequiredFieldsNamesAllOfThem() {
        IngestClient.Reply reply = client.call(REGISTER, "{\"endpoint_url\": \"http://serving/ep\"}");

        assertRefused(reply, 400, 11);
        assertThat(reply.message()).contains("container_id", "endpoint_name", "model_name");
        assertThat(reply.errorData().get("missing_fields").toString())
                .isEqualTo("[\"container_id\",\"endpoint_name\",\"model_name\"]");
    }

    @Test
    void registerWithNullRequiredFieldNamesIt() {
        IngestClient.Reply reply = client.call(REGISTER, "{\"container_id\": null, \"endpoint_name\": \"ep\", \"model_name\": \"m\"}");

        assertRefused(reply, 400, 11);
        assertThat(reply.errorData().get("missing_fields").toString()).isEqualTo("[\"container_id\"]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "31536001", "\"600\"", "true"})
    void registerRefusesABadTimeout(String timeout) {
        assertInvalidField(client.call(REGISTER, report(", \"timeout\": " + timeout)), "timeout");
    }

    @Test
    void registerAcceptsATimeoutOfOneYear() {
        assertThat(client.call(REGISTER, report(", \"timeout\": 31536000")).status()).isEqualTo(200);
    }

    @Test
    void registerRefusesAWrongType() {
        assertInvalidField(client.call(REGISTER, report(", \"model_version\": 3")), "model_version");
    }

    @Test
    void registerRefusesAnEmptyContainerId() {
        assertInvalidField(client.call(REGISTER, "{\"container_id\": \"\", \"endpoint_name\": \"ep\", \"model_name\": \"m\"}"),
                "container_id");
    }

    @Test
    void registerRefusesAnOverlongString() {
        String longId = "c".repeat(1025);

        assertInvalidField(client.call(REGISTER, "{\"container_id\": \"" + longId + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\"}"),
                "container_id");
    }

    @Test
    void registerRefusesTagsThatAreNotStrings() {
        assertInvalidField(client.call(REGISTER, report(", \"tags\": [1, 2]")), "tags");
        assertInvalidField(client.call(REGISTER, report(", \"system_tags\": \"x\"")), "system_tags");
    }

    @Test
    void registerRefusesAnInputSizeThatIsNeitherNumberNorString() {
        assertInvalidField(client.call(REGISTER, report(", \"input_size\": [1]")), "input_size");
    }

    @Test
    void registerRefusesAReferenceTypeOutsideTheEnum() {
        assertInvalidField(client.call(REGISTER, report(", \"reference\": [{\"type\": \"task\", \"value\": \"a\"}, {\"type\": \"file\", \"value\": \"b\"}]")),
                "reference[1].type");
    }

    @Test
    void registerRefusesAReferenceValueThatIsNotAString() {
        assertInvalidField(client.call(REGISTER, report(", \"reference\": [{\"type\": \"task\", \"value\": 5}]")),
                "reference[0].value");
    }

    @Test
    void registerRefusesAReferenceItemWithoutValue() {
        IngestClient.Reply reply = client.call(REGISTER, report(", \"reference\": [{\"type\": \"task\"}]"));

        assertRefused(reply, 400, 11);
        assertThat(reply.message()).contains("reference[0].value");
    }

    @Test
    void registerRefusesAReferenceThatIsNotAList() {
        assertInvalidField(client.call(REGISTER, report(", \"reference\": {\"type\": \"task\"}")), "reference");
    }

    // container_status_report

    @Test
    void statusReportPublishesOneEventWithLoadAndMachineStats() {
        IngestClient.Reply reply = client.call(STATUS, report(", \"uptime_sec\": 120, \"requests_num\": 1000, "
                + "\"requests_min\": 12.5, \"latency_ms\": 12.6, \"input_size\": 12.5, \"machine_stats\": {"
                + "\"cpu_usage\": [10, 20.5], \"gpu_usage\": [50], \"memory_used\": 2048, \"memory_free\": 1024.5, "
                + "\"gpu_memory_free\": [100], \"gpu_memory_used\": [200], \"network_tx\": 1.5, \"network_rx\": 2.5, "
                + "\"disk_free_home\": 50, \"disk_free_temp\": 60, \"disk_read\": 1, \"disk_write\": 2, "
                + "\"cpu_temperature\": [40], \"gpu_temperature\": null}"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().size()).isZero();
        assertThat(publisher.onlyEvent()).isEqualTo(new ContainerEvent(ContainerEventType.STATUS_REPORT, "company-a", "c-1",
                NOW.toEpochMilli(), "127.0.0.1", null,
                new ModelInfo("ep", "http://serving/ep", "m", null, null, null, null, "12.5", null, null, null),
                new LoadReport(120L, 1000L, 12.5, 13L, new MachineStats(
                        List.of(10.0, 20.5), List.of(50.0), 2048.0, 1024.5, List.of(100.0), List.of(200.0),
                        1.5, 2.5, 50.0, 60.0, 1.0, 2.0, List.of(40.0), null))));
    }

    @Test
    void statusReportWithoutLoadFiguresHasAnEmptyLoad() {
        client.call(STATUS, report(""));

        assertThat(publisher.onlyEvent().load()).isEqualTo(LoadReport.EMPTY);
    }

    @Test
    void statusReportWithoutEndpointUrlIsAValidationError() {
        assertInvalidField(client.call(STATUS, "{\"container_id\": \"c-1\", \"endpoint_name\": \"ep\", \"model_name\": \"m\"}"),
                "endpoint_url");
    }

    @Test
    void statusReportWithoutRequiredFieldsNamesThem() {
        IngestClient.Reply reply = client.call(STATUS, "{\"endpoint_name\": \"ep\", \"endpoint_url\": \"http://u\"}");

        assertRefused(reply, 400, 11);
        assertThat(reply.message()).contains("container_id", "model_name").doesNotContain("endpoint_name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"uptime_sec", "requests_num", "requests_min", "latency_ms"})
    void statusReportRefusesANegativeFigure(String field) {
        assertInvalidField(client.call(STATUS, report(", \"" + field + "\": -1")), field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"uptime_sec", "requests_num", "requests_min", "latency_ms"})
    void statusReportRefusesAnAbsurdFigure(String field) {
        assertInvalidField(client.call(STATUS, report(", \"" + field + "\": 1e16")), field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"uptime_sec", "requests_num", "requests_min", "latency_ms"})
    void statusReportRefusesAFigureThatIsNotANumber(String field) {
        assertInvalidField(client.call(STATUS, report(", \"" + field + "\": \"12\"")), field);
    }

    @Test
    void statusReportRefusesMachineStatsOfTheWrongShape() {
        assertInvalidField(client.call(STATUS, report(", \"machine_stats\": {\"cpu_usage\": 5}")), "machine_stats.cpu_usage");
        assertInvalidField(client.call(STATUS, report(", \"machine_stats\": {\"cpu_usage\": [\"5\"]}")), "machine_stats.cpu_usage");
        assertInvalidField(client.call(STATUS, report(", \"machine_stats\": {\"memory_used\": [1]}")), "machine_stats.memory_used");
        assertInvalidField(client.call(STATUS, report(", \"machine_stats\": {\"network_rx\": 1e300}")), "machine_stats.network_rx");
        assertInvalidField(client.call(STATUS, report(", \"machine_stats\": [1]")), "machine_stats");
    }

    @Test
    void statusReportAcceptsNullMachineStats() {
        client.call(STATUS, report(", \"machine_stats\": null"));

        assertThat(publisher.onlyEvent().load().machineStats()).isNull();
    }

    // unregister_container

    @Test
    void unregisterPublishesOneUnregisterEvent() {
        IngestClient.Reply reply = client.call(UNREGISTER, "{\"container_id\": \"c-9\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().size()).isZero();
        assertThat(publisher.onlyEvent()).isEqualTo(new ContainerEvent(ContainerEventType.UNREGISTER, "company-a", "c-9",
                NOW.toEpochMilli(), "127.0.0.1", null, null, null));
    }

    @Test
    void unregisterTakesTheContainerIdFromTheQueryString() {
        IngestClient.Reply reply = client.call(UNREGISTER + "?container_id=c-q", null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(publisher.onlyEvent().containerId()).isEqualTo("c-q");
    }

    @Test
    void unregisterWithoutContainerIdNamesIt() {
        IngestClient.Reply reply = client.call(UNREGISTER, "{}");

        assertRefused(reply, 400, 11);
        assertThat(reply.message()).contains("container_id");
    }

    @Test
    void unregisterRefusesAContainerIdThatIsNotAString() {
        assertInvalidField(client.call(UNREGISTER, "{\"container_id\": 7}"), "container_id");
    }

    // across actions

    @Test
    void companyComesFromTheCredentialsNotTheBody() {
        client.call(UNREGISTER, IngestClient.KEY_B, "{\"container_id\": \"c-1\", \"company\": \"company-a\"}");

        assertThat(publisher.onlyEvent().company()).isEqualTo("company-b");
    }

    @Test
    void forwardedCallerIpFromATrustedProxyIsKept() {
        HttpRequest request = client.request("/" + UNREGISTER, IngestClient.KEY_A, "{\"container_id\": \"c-1\"}")
                .header("X-Forwarded-For", "198.51.100.23")
                .build();

        client.send(request);

        assertThat(publisher.onlyEvent().ip()).isEqualTo("198.51.100.23");
    }

    @Test
    void versionedPathsAreServed() {
        assertThat(client.call("v999.0/" + UNREGISTER, "{\"container_id\": \"c-1\"}").status()).isEqualTo(200);
        assertThat(client.call("v2.31/" + UNREGISTER, "{\"container_id\": \"c-2\"}").status()).isEqualTo(200);
        assertThat(publisher.events()).hasSize(2);
    }

    @Test
    void versionBelow231IsNotFound() {
        assertRefused(client.call("v2.30/" + REGISTER, report("")), 404, 0);
    }

    @Test
    void unknownActionIsNotFound() {
        assertRefused(client.call("serving.register_containers", report("")), 404, 0);
    }

    @Test
    void missingCredentialsAreRefused() {
        assertRefused(client.call(REGISTER, null, report("")), 401, 20);
    }

    @Test
    void malformedCredentialsAreRefused() {
        assertRefused(client.call(REGISTER, "Basic ###", report("")), 401, 21);
    }

    @Test
    void wrongSecretIsRefused() {
        assertRefused(client.call(REGISTER, IngestClient.basic("key-a", "secret-b"), report("")), 401, 22);
    }

    @Test
    void badTokenIsRefused() {
        assertRefused(client.call(REGISTER, "Bearer abc.def.ghi", report("")), 401, 30);
    }

    @Test
    void bodyOverTheLimitIsRefused() {
        assertRefused(client.call(REGISTER, report(", \"model_source\": \"" + "x".repeat(20_000) + "\"")), 413, 0);
    }

    @Test
    void malformedJsonIsRefused() {
        assertRefused(client.call(REGISTER, "{\"container_id\": "), 400, 12);
    }

    @Test
    void unavailablePublisherIsAnswered503() {
        publisher.unavailable(true);

        IngestClient.Reply reply = client.call(UNREGISTER, "{\"container_id\": \"c-1\"}");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.json().get("meta").get("result_code").asInt()).isEqualTo(503);
    }

    @Test
    void answerWaitsUntilTheEventIsStored() throws Exception {
        publisher.holdAcknowledgements(true);

        CompletableFuture<IngestClient.Reply> reply = client.sendAsync(
                client.request("/" + UNREGISTER, IngestClient.KEY_A, "{\"container_id\": \"c-1\"}").build());

        assertThat(waitFor(reply, 500)).isFalse();
        assertThat(publisher.events()).hasSize(1);
        publisher.acknowledgeHeld();
        assertThat(reply.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    private static boolean waitFor(CompletableFuture<?> future, long millis) throws Exception {
        try {
            future.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }
}
