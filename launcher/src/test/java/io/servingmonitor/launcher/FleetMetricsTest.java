package io.servingmonitor.launcher;

import static io.servingmonitor.launcher.TestApps.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.launcher.MetricsEndpointTest.Sample;
import io.servingmonitor.launcher.MetricsEndpointTest.Scrape;
import io.servingmonitor.testkafka.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet gauges of {@code GET /metrics} on a real broker: per endpoint the figures of its
 * {@code get_endpoints} row, per company its loading containers, gone once the containers are;
 * with {@code --fleet-metrics-max-series} the largest endpoints only, and the others counted.
 */
class FleetMetricsTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    /** Processing, plus a snapshot kept for {@link FleetGauges#MAX_AGE}. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String INSTANCES = "serving_monitor_endpoint_instances";
    private static final String RPM = "serving_monitor_endpoint_requests_per_minute";
    private static final String LATENCY = "serving_monitor_endpoint_latency_ms";
    private static final String LOADING = "serving_monitor_loading_instances";
    private static final String DROPPED = "serving_monitor_endpoint_series_dropped";

    @TempDir
    static Path dir;

    private static StandaloneApp app;
    private static StandaloneApp capped;

    @BeforeAll
    static void startApps() throws Exception {
        Path credentials = TestApps.credentials(dir, "fleet-a:key-a:secret-a", "fleet-b:key-b:secret-b");
        app = TestApps.startRunning(KAFKA, dir.resolve("open"), credentials, "fleet-metrics", "--stream-threads", "1");
        capped = TestApps.startRunning(KAFKA, dir.resolve("capped"), credentials, "fleet-capped",
                "--stream-threads", "1", "--fleet-metrics-max-series", "2");
    }

    @AfterAll
    static void stopApps() {
        for (StandaloneApp a : new StandaloneApp[] {app, capped}) {
            if (a != null) {
                a.close();
            }
        }
    }

    @Test
    void endpointGaugesHaveTheValuesOfTheEndpointRowAndLoadingIsCountedPerCompany() throws Exception {
        ServingClient a = client(app, "a");
        String url = "/serve/figures";
        ok(a.post("serving.container_status_report", report("fig-1", url, 100, 10.0, 20)));
        ok(a.post("serving.container_status_report", report("fig-2", url, 300, 5.55, 31)));
        ok(a.post("serving.register_container", loading("fig-loading-1")));
        ok(a.post("serving.register_container", loading("fig-loading-2")));
        ok(client(app, "b").post("serving.register_container", loading("fig-loading-b")));

        Scrape metrics = eventually(app, s -> Double.valueOf(2.0).equals(value(s, INSTANCES, endpoint("fleet-a", url)))
                && Double.valueOf(2.0).equals(value(s, LOADING, Map.of("company", "fleet-a"))));
        JsonNode row = a.post("serving.get_endpoints", "{}").data().get("endpoints").get(0);

        assertThat(row.get("url").asText()).isEqualTo(url);
        assertThat(metrics.value(INSTANCES, endpoint("fleet-a", url))).isEqualTo(row.get("instances").asDouble()).isEqualTo(2);
        assertThat(metrics.value(RPM, endpoint("fleet-a", url))).isEqualTo(row.get("requests_min").asDouble()).isEqualTo(7.78);
        assertThat(metrics.value(LATENCY, endpoint("fleet-a", url))).isEqualTo(row.get("latency_ms").asDouble()).isEqualTo(26);
        assertThat(metrics.value(LOADING, Map.of("company", "fleet-b"))).isEqualTo(1);
        assertThat(metrics.value(DROPPED, Map.of())).isZero();
    }

    @Test
    void endpointSeriesDisappearAfterUnregisterAndAfterExpiry() throws Exception {
        ServingClient b = client(app, "b");
        ok(b.post("serving.container_status_report", report("gone-1", "/serve/unregistered", 10, 1.0, 5)));
        ok(b.post("serving.register_container", "{\"container_id\": \"gone-2\", \"endpoint_name\": \"e\","
                + " \"model_name\": \"m\", \"endpoint_url\": \"/serve/expiring\", \"timeout\": 15}"));
        eventually(app, s -> Double.valueOf(1.0).equals(value(s, INSTANCES, endpoint("fleet-b", "/serve/unregistered")))
                && Double.valueOf(1.0).equals(value(s, INSTANCES, endpoint("fleet-b", "/serve/expiring"))));

        ok(b.post("serving.unregister_container", "{\"container_id\": \"gone-1\"}"));

        eventually(app, s -> value(s, INSTANCES, endpoint("fleet-b", "/serve/unregistered")) == null
                && value(s, INSTANCES, endpoint("fleet-b", "/serve/expiring")) == null);
        Scrape after = scrape(app);
        for (String gauge : List.of(INSTANCES, RPM, LATENCY)) {
            assertThat(after.samples(gauge)).as(gauge)
                    .noneMatch(sample -> sample.labels().get("url").startsWith("/serve/unregistered")
                            || sample.labels().get("url").equals("/serve/expiring"));
        }
    }

    @Test
    void capKeepsTheLargestEndpointsAndCountsTheOthers() throws Exception {
        ServingClient a = client(capped, "a");
        ServingClient b = client(capped, "b");
        ok(a.post("serving.container_status_report", report("cap-1", "/serve/two", 10, 1, 1)));
        ok(a.post("serving.container_status_report", report("cap-2", "/serve/two", 10, 1, 1)));
        ok(b.post("serving.container_status_report", report("cap-3", "/serve/busy", 5000, 1, 1)));
        ok(a.post("serving.container_status_report", report("cap-4", "/serve/quiet", 7, 1, 1)));
        ok(b.post("serving.container_status_report", report("cap-5", "/serve/idle", 0, 1, 1)));

        Scrape metrics = eventually(capped, s -> Double.valueOf(2).equals(value(s, DROPPED, Map.of())));

        assertThat(metrics.samples(INSTANCES)).extracting(Sample::labels).containsExactlyInAnyOrder(
                endpoint("fleet-a", "/serve/two"), endpoint("fleet-b", "/serve/busy"));
        assertThat(metrics.samples(RPM)).hasSize(2);
        assertThat(metrics.samples(LATENCY)).hasSize(2);
    }

    private static Map<String, String> endpoint(String company, String url) {
        return Map.of("company", company, "url", url);
    }

    private static ServingClient client(StandaloneApp target, String tenant) {
        return new ServingClient(TestApps.baseUrl(target)).withBasic("key-" + tenant, "secret-" + tenant);
    }

    private static String report(String container, String url, long requests, double requestsMin, long latencyMs) {
        return "{\"container_id\": \"" + container + "\", \"endpoint_name\": \"e-" + container + "\", \"model_name\": \"m\","
                + " \"endpoint_url\": \"" + url + "\", \"uptime_sec\": 60, \"requests_num\": " + requests
                + ", \"requests_min\": " + requestsMin + ", \"latency_ms\": " + latencyMs + "}";
    }

    private static String loading(String container) {
        return "{\"container_id\": \"" + container + "\", \"endpoint_name\": \"e\", \"model_name\": \"m\"}";
    }

    /** The value of the one sample of {@code name} with exactly {@code labels}, or null when there is none. */
    private static Double value(Scrape scrape, String name, Map<String, String> labels) {
        List<Sample> matching = scrape.samples(name).stream().filter(s -> s.labels().equals(labels)).toList();
        assertThat(matching).as("samples of %s with %s", name, labels).hasSizeLessThanOrEqualTo(1);
        return matching.isEmpty() ? null : matching.get(0).value();
    }

    private static Scrape eventually(StandaloneApp target, Predicate<Scrape> done) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Scrape last = scrape(target);
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            last = scrape(target);
        }
        assertThat(done.test(last)).as("never reached the expected gauges; last: %s", last.samples().stream()
                .filter(s -> s.name().startsWith("serving_monitor_endpoint") || s.name().startsWith(LOADING)).toList())
                .isTrue();
        return last;
    }

    static Scrape scrape(StandaloneApp target) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestApps.baseUrl(target) + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return Scrape.parse(response.body());
    }
}
