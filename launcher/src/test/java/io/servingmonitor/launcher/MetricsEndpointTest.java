package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.testkafka.KafkaFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of the whole service against a real broker: after a fixed set of calls
 * (accepted, rejected, versioned, unknown), the Prometheus text shows each call in the HTTP timer
 * under its action and answer, the accepted events by type, Kafka Streams, producer and JVM
 * metrics, and nothing of the customer's data.
 */
class MetricsEndpointTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final String COMPANY = "observed-co-5b1e";
    private static final String CONTAINER = "private-container-5b1e";
    private static final String ENDPOINT_NAME = "private-endpoint-5b1e";
    private static final String URL = "https://private.example/model-5b1e";
    private static final String TIMER_COUNT = "http_server_requests_seconds_count";

    @TempDir
    static Path dir;

    private static StandaloneApp app;
    private static String baseUrl;

    @BeforeAll
    static void startAppAndCallIt() throws Exception {
        Path credentials = TestApps.credentials(dir, COMPANY + ":metrics-key:metrics-secret");
        // One stream thread, whatever the machine's cores: the Streams metrics below count them.
        app = TestApps.startRunning(KAFKA, dir, credentials, "metrics-endpoint", "--stream-threads", "1");
        baseUrl = TestApps.baseUrl(app);

        ServingClient client = new ServingClient(baseUrl).withBasic("metrics-key", "metrics-secret");
        List<Reply> replies = List.of(
                client.post("serving.register_container", report()),
                client.post("serving.container_status_report", report()),
                client.post("serving.container_status_report", report()),
                client.post("serving.register_container", "{\"container_id\": \"" + CONTAINER + "\"}"),
                client.call("GET", "/v2.31/serving.get_endpoints", "{}"),
                client.post("serving.get_endpoints", "{}"),
                client.post("serving.unregister_container", "{\"container_id\": \"" + CONTAINER + "\"}"),
                new ServingClient(baseUrl).call("GET", "/auth.login", ServingClient.basic("metrics-key", "metrics-secret"), null),
                client.post("serving.no_such_action", "{}"),
                client.call("GET", "/" + COMPANY + "/serving.get_endpoints", null),
                client.call("GET", "/health", null));
        assertThat(replies).extracting(Reply::status).containsExactly(200, 200, 200, 400, 200, 200, 200, 200, 404, 404, 200);
        assertThat(replies.get(3).resultSubcode()).isEqualTo(11);

        // Javalin times a request once it is answered: wait until every call above is counted.
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (timedCallsExceptScrapes(scrape()) < replies.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(timedCallsExceptScrapes(scrape())).as("calls in the HTTP timer").isEqualTo(replies.size());
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void metricsAreServedWithoutCredentialsInThePrometheusTextFormat() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("# TYPE " + TIMER_COUNT.replace("_count", "") + " histogram");
    }

    @Test
    void everyCallIsTimedUnderItsActionStatusAndSubcode() throws Exception {
        Scrape metrics = scrape();

        assertThat(metrics.value(TIMER_COUNT, timer("serving.register_container", "200", "0"))).isEqualTo(1);
        assertThat(metrics.value(TIMER_COUNT, timer("serving.register_container", "400", "11"))).isEqualTo(1);
        assertThat(metrics.value(TIMER_COUNT, timer("serving.container_status_report", "200", "0"))).isEqualTo(2);
        assertThat(metrics.value(TIMER_COUNT, timer("serving.unregister_container", "200", "0"))).isEqualTo(1);
        assertThat(metrics.value(TIMER_COUNT, timer("serving.get_endpoints", "200", "0")))
                .as("versioned and unversioned path, one action").isEqualTo(2);
        assertThat(metrics.value(TIMER_COUNT, timer("auth.login", "200", "0"))).isEqualTo(1);
        assertThat(metrics.value(TIMER_COUNT, timer(HttpRequestMetrics.UNKNOWN_ACTION, "404", "0")))
                .as("paths without a route").isEqualTo(2);
        assertThat(metrics.value(TIMER_COUNT, timer("health", "200", HttpRequestMetrics.NO_SUBCODE))).isEqualTo(1);
        assertThat(metrics.value("http_server_requests_seconds_sum", timer("serving.register_container", "200", "0")))
                .isPositive();
        assertThat(metrics.value("http_server_requests_seconds_bucket",
                with(timer("serving.register_container", "400", "11"), "le", "+Inf"))).isEqualTo(1);
    }

    @Test
    void acceptedEventsAreCountedByTypeAndTheRejectedRegisterIsNot() throws Exception {
        Scrape metrics = scrape();

        String accepted = "serving_monitor_events_accepted_total";
        assertThat(metrics.value(accepted, Map.of("type", "REGISTER"))).isEqualTo(1);
        assertThat(metrics.value(accepted, Map.of("type", "STATUS_REPORT"))).isEqualTo(2);
        assertThat(metrics.value(accepted, Map.of("type", "UNREGISTER"))).isEqualTo(1);
    }

    @Test
    void kafkaStreamsProducerJvmAndProcessMetricsArePublished() throws Exception {
        Scrape metrics = scrape();

        assertThat(metrics.value("kafka_stream_alive_stream_threads", Map.of())).isEqualTo(1);
        assertThat(metrics.samples("kafka_stream_thread_process_total")).isNotEmpty();
        assertThat(metrics.value("kafka_producer_record_send_total", Map.of("client_id", "ingest-api")))
                .as("the ingest producer sent the four accepted events").isGreaterThanOrEqualTo(4);
        assertThat(metrics.samples("jvm_memory_used_bytes")).anySatisfy(sample -> assertThat(sample.value()).isPositive());
        assertThat(metrics.value("jvm_threads_live_threads", Map.of())).isPositive();
        assertThat(metrics.value("jvm_classes_loaded_classes", Map.of())).isPositive();
        assertThat(metrics.samples("jvm_gc_memory_allocated_bytes_total")).isNotEmpty();
        assertThat(metrics.value("process_uptime_seconds", Map.of())).isPositive();
        assertThat(metrics.samples("process_cpu_usage")).isNotEmpty();
    }

    @Test
    void skippedRecordsArePublishedForEveryReasonAndNoneWasSkipped() throws Exception {
        Scrape metrics = scrape();

        for (String reason : List.of("deserialization", "processing", "production")) {
            assertThat(metrics.value("serving_monitor_records_skipped_total", Map.of("reason", reason)))
                    .as(reason).isZero();
        }
    }

    @Test
    void deadLetterReasonsArePublishedAndNoneWasSkipped() throws Exception {
        Scrape metrics = scrape();

        for (String reason : List.of("not-json", "wrong-shape", "bad-key", "key-mismatch", "too-large")) {
            assertThat(metrics.value("serving_monitor_records_skipped_total", Map.of("reason", reason)))
                    .as(reason).isZero();
        }
    }

    @Test
    void noContainerOrEndpointNameAppearsAndCompanyAndUrlOnlyAsFleetGaugeLabels() throws Exception {
        String text = get("/metrics").body();

        assertThat(text).doesNotContain(CONTAINER, ENDPOINT_NAME);
        for (String line : text.split("\n")) {
            if (line.contains(COMPANY) || line.contains(URL)) {
                assertThat(line).as("a line naming the company or url")
                        .matches("serving_monitor_(endpoint_instances|endpoint_requests_per_minute|endpoint_latency_ms"
                                + "|loading_instances)\\{.*");
            }
        }
    }

    private static String report() {
        return "{\"container_id\": \"" + CONTAINER + "\", \"endpoint_name\": \"" + ENDPOINT_NAME + "\","
                + " \"model_name\": \"m\", \"endpoint_url\": \"" + URL + "\", \"requests_num\": 3}";
    }

    private static Map<String, String> timer(String action, String status, String subcode) {
        return Map.of("action", action, "status", status, "result_subcode", subcode);
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(labels);
        more.put(name, value);
        return more;
    }

    private static double timedCallsExceptScrapes(Scrape metrics) {
        return metrics.samples(TIMER_COUNT).stream()
                .filter(sample -> !"metrics".equals(sample.labels().get("action")))
                .mapToDouble(Sample::value)
                .sum();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Scrape scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return Scrape.parse(response.body());
    }

    /** One line of the Prometheus text format: {@code name{label="value",...} value}. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** The samples of one scrape. */
    record Scrape(List<Sample> samples) {

        private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        static Scrape parse(String text) {
            List<Sample> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                Matcher matcher = LINE.matcher(line);
                if (line.startsWith("#") || !matcher.matches()) {
                    continue;
                }
                Map<String, String> labels = new LinkedHashMap<>();
                Matcher label = LABEL.matcher(matcher.group(2) == null ? "" : matcher.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
                samples.add(new Sample(matcher.group(1), labels, Double.parseDouble(matcher.group(3))));
            }
            return new Scrape(samples);
        }

        List<Sample> samples(String name) {
            return samples.stream().filter(sample -> sample.name().equals(name)).toList();
        }

        /** The value of the one sample of {@code name} that has all of {@code labels}. */
        double value(String name, Map<String, String> labels) {
            List<Sample> matching = samples(name).stream()
                    .filter(sample -> sample.labels().entrySet().containsAll(labels.entrySet()))
                    .toList();
            assertThat(matching).as("samples of %s with %s", name, labels).hasSize(1);
            return matching.get(0).value();
        }
    }
}
