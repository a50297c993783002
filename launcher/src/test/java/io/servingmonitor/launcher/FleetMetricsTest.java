package io.servingmonitor.launcher;

import static io.servingmonitor.launcher.TestApps.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.launcher.MetricsEndpointTest.Sample;
import io.servingmonitor.launcher.MetricsEndpointTest.Scrape;
import io.servingmonitor.topics.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet gauges of {@code GET /metrics} on a real broker: per endpoint the figures of its
 * {@code get_endpoints} row, per company its loading containers, gone once the containers are;
 * with {@code --fleet-metrics-max-series} the largest endpoints only, and the others counted.
 */
class FleetMetricsTest {

    /** Processing, plus a snapshot kept for {@link FleetGauges#MAX_AGE}. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(90);
    private static final String INSTANCES = "serving_monitor_endpoint_instances";
    private static final String RPM = "serving_monitor_endpoint_requests_per_minute";
    private static final String LATENCY = "serving_monitor_endpoint_latency_ms";
    private static final String LOADING = "serving_monitor_loading_instances";
    private static final String DROPPED = "serving_monitor_endpoint_series_dropped";

    @TempDir
    static Path dir;

    private static StandaloneApp app;
    private static StandaloneApp capped;

    /**
     * Both apps on a broker of their own (the first app's embedded one): the cap ranks every
     * endpoint in {@code container-events}, so other test classes' endpoints on a shared broker
     * would compete with this class's.
     */
    @BeforeAll
    static void startApps() throws Exception {
        Path credentials = TestApps.credentials(dir, "fleet-a:key-a:secret-a", "fleet-b:key-b:secret-b",
                "fleet-c:key-c:secret-c", "fleet-d:key-d:secret-d");
        app = startRunning(List.of("--kafka-port", "0"), dir.resolve("open"), credentials, "fleet-metrics");
        capped = startRunning(List.of("--bootstrap-servers", app.bootstrapServers(), "--fleet-metrics-max-series", "2"),
                dir.resolve("capped"), credentials, "fleet-capped");
    }

    private static StandaloneApp startRunning(List<String> kafka, Path dataDir, Path credentials, String applicationId)
            throws Exception {
        List<String> args = new java.util.ArrayList<>(kafka);
        args.addAll(List.of("--port", "0", "--data-dir", dataDir.toString(), "--credentials", credentials.toString(),
                "--application-id", applicationId, "--token-secret", TestApps.TOKEN_SECRET, "--stream-threads", "1"));
        StandaloneApp started = StandaloneApp.start(LauncherOptions.parse(args, Map.of()), java.time.Clock.systemUTC(),
                System.out);
        assertThat(started.awaitRunning(RUNNING_TIMEOUT)).as("Kafka Streams reached RUNNING").isTrue();
        return started;
    }

    @AfterAll
    static void stopApps() {
        // The capped app first: the other holds the broker.
        for (StandaloneApp a : new StandaloneApp[] {capped, app}) {
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
        // Both apps read the one container-events topic of their broker, so the capped one sees every
        // endpoint of this class's tests; the uncapped one shows how many there are.
        ServingClient d = client(capped, "d");
        for (int i = 0; i < 6; i++) {
            ok(d.post("serving.container_status_report", report("cap-most-" + i, "/serve/most", 10, 1, 1)));
        }
        for (int i = 0; i < 5; i++) {
            ok(d.post("serving.container_status_report", report("cap-next-" + i, "/serve/next", 10, 1, 1)));
        }
        for (int i = 0; i < 5; i++) {
            ok(d.post("serving.container_status_report", report("cap-fewer-requests-" + i, "/serve/fewer-requests", 9, 1, 1)));
        }
        ok(d.post("serving.container_status_report", report("cap-small", "/serve/small", 5000, 1, 1)));
        Scrape all = eventually(app, s -> s.samples(INSTANCES).stream().filter(sample -> sample.labels().get("company")
                .equals("fleet-d")).count() == 4);
        int endpoints = all.samples(INSTANCES).size();

        Scrape metrics = eventually(capped, s -> Double.valueOf(endpoints - 2).equals(value(s, DROPPED, Map.of()))
                && s.samples(INSTANCES).size() == 2);

        assertThat(metrics.samples(INSTANCES)).extracting(Sample::labels).containsExactlyInAnyOrder(
                endpoint("fleet-d", "/serve/most"), endpoint("fleet-d", "/serve/next"));
        assertThat(metrics.samples(INSTANCES)).extracting(Sample::value).containsExactlyInAnyOrder(6.0, 5.0);
        assertThat(metrics.samples(RPM)).hasSize(2);
        assertThat(metrics.samples(LATENCY)).hasSize(2);
        assertThat(metrics.value(DROPPED, Map.of())).as("left out: %s endpoints less the 2 kept", endpoints)
                .isEqualTo(endpoints - 2).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsExported() throws Exception {
        ServingClient c = client(app, "c");
        ok(c.post("serving.container_status_report", report("dash-1", "/serve/dashboard", 1, 1, 1)));
        ok(c.post("serving.register_container", loading("dash-loading")));
        ok(c.post("serving.get_endpoints", "{}"));
        JsonNode dashboard = Json.mapper().readTree(
                ComposeFileTest.repositoryRoot().resolve("deploy/grafana-dashboard.json").toFile());
        Set<String> queried = new TreeSet<>();
        dashboard.findValues("expr").forEach(expr -> queried.addAll(metricNames(expr.asText())));
        dashboard.at("/templating/list").forEach(variable -> {
            // label_values(METRIC{...}, LABEL): Grafana's, not PromQL; the metric is its first argument.
            Matcher labelValues = Pattern.compile("label_values\\(([^,]+),").matcher(variable.path("definition").asText());
            if (labelValues.find()) {
                queried.addAll(metricNames(labelValues.group(1)));
            }
        });
        assertThat(queried).contains(INSTANCES, RPM, LATENCY, LOADING, DROPPED, "http_server_requests_seconds_count",
                "http_server_requests_seconds_bucket");

        Scrape metrics = eventually(app, s -> Double.valueOf(1).equals(value(s, INSTANCES, endpoint("fleet-c", "/serve/dashboard")))
                && !s.samples(LOADING).isEmpty());
        Set<String> exported = new TreeSet<>(metrics.samples().stream().map(Sample::name).toList());

        assertThat(exported).containsAll(queried);
    }

    @Test
    void metricNamesAreReadFromPromQlWithoutFunctionsLabelsOrRanges() {
        assertThat(metricNames("histogram_quantile(0.95, sum by (le, action) (rate(http_server_requests_seconds_bucket"
                + "{action=~\"serving\\\\..*|auth\\\\.login\"}[$__rate_interval])))"))
                .containsExactly("http_server_requests_seconds_bucket");
        assertThat(metricNames("sum by (company, url) (serving_monitor_endpoint_requests_per_minute{company=~\"$company\"}"
                + " * serving_monitor_endpoint_instances{url=~\"$url\"}) or vector(0)"))
                .containsExactly("serving_monitor_endpoint_instances", "serving_monitor_endpoint_requests_per_minute");
        assertThat(metricNames("count(max by (company, url) (no_such_metric))")).containsExactly("no_such_metric");
    }

    /**
     * The metric names a PromQL expression reads: its identifiers, less label matchers, label lists
     * ({@code by (...)}), ranges, strings, functions (followed by a parenthesis) and keywords.
     */
    static Set<String> metricNames(String promql) {
        String bare = promql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = Pattern.compile("(?<![$\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(bare);
        while (identifier.find()) {
            if (identifier.group(2) == null && !PROMQL_WORDS.contains(identifier.group(1))) {
                names.add(identifier.group(1));
            }
        }
        return names;
    }

    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

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
