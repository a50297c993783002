package io.servingmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servingmonitor.topics.ContainerEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Measures freshness, one probe at a time: a status report of a probe container with a new
 * {@code requests_num} is sent; from its 200 the probe polls {@code serving.get_endpoint_details}
 * of its url until that container shows the new {@code requests}. A probe not visible within
 * {@link #GIVE_UP} counts as {@code GIVE_UP}.
 */
public final class FreshnessProbe {

    static final Duration GIVE_UP = Duration.ofSeconds(10);
    private static final long POLL_MS = 10;
    private static final int PROBES = 4;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String baseUrl;
    private final StatusReports reports;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private long sequence;

    /** Probes report as containers {@code 0..3} of {@code fleet}, with their own ids. */
    public FreshnessProbe(String baseUrl, FleetShape fleet) {
        this.baseUrl = baseUrl;
        this.reports = new StatusReports(fleet);
    }

    /** Probes until {@code duration} has passed; returns the freshness samples. */
    public Latencies probeFor(Duration duration) throws IOException, InterruptedException {
        Latencies freshness = new Latencies(100_000);
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            freshness.add(probeOnce());
        }
        return freshness;
    }

    /**
     * Probes, unmeasured, until one report is seen (at most {@code timeout}): a fresh service is
     * healthy before its topology has settled (internal topics created, a second rebalance), and
     * that start-up is not what a sustained rate is about. False if none was seen in time.
     */
    public boolean awaitPipeline(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (probeOnce() < GIVE_UP.toNanos()) {
                return true;
            }
        }
        return false;
    }

    /** One probe; its freshness in nanoseconds. */
    long probeOnce() throws IOException, InterruptedException {
        int container = (int) (sequence % PROBES);
        ContainerEvent template = reports.report(container, ++sequence, System.currentTimeMillis());
        ContainerEvent event = new ContainerEvent(template.type(), template.company(), "bench-probe-" + container,
                template.timestampMs(), template.ip(), template.timeoutSec(), template.model(), template.load());
        long expected = event.load().requestsNum();
        if (post(RequestBodies.STATUS_REPORT, RequestBodies.of(event)).statusCode() != 200) {
            return GIVE_UP.toNanos();
        }
        long acked = System.nanoTime();
        String details = "{\"endpoint_url\":\"" + event.model().endpointUrl() + "\"}";
        while (System.nanoTime() - acked < GIVE_UP.toNanos()) {
            HttpResponse<String> response = post("serving.get_endpoint_details", details);
            if (response.statusCode() == 200 && shows(response.body(), event.containerId(), expected)) {
                return System.nanoTime() - acked;
            }
            Thread.sleep(POLL_MS);
        }
        return GIVE_UP.toNanos();
    }

    private static boolean shows(String body, String containerId, long requests) throws IOException {
        for (JsonNode instance : MAPPER.readTree(body).path("data").path("instances")) {
            if (instance.path("id").asText().equals(containerId)) {
                return instance.path("requests").asLong() == requests;
            }
        }
        return false;
    }

    private HttpResponse<String> post(String action, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/" + action))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", BenchCredentials.basicAuthorization())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
