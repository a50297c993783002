package io.servingmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servingmonitor.launcher.LauncherOptions;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.ServingTopology;
import io.servingmonitor.processor.StreamsRunner;
import io.servingmonitor.processor.StreamsSettings;
import io.servingmonitor.topics.ContainerEvent;
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
import java.util.function.LongFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;

/**
 * Reads: for each read fleet, {@code container-events} gets a backfilled history for a few urls
 * ({@link HistoryBackfill}); the service starts as a child process ({@link ServiceProcess}) and
 * processes it; then a registration and a status report of every container "now" (1% more
 * still loading, without url) are written and processed; then p50 and p99 latency of each read
 * action at 1 and 16 concurrent clients. Ceiling: the same requests against an {@link EmptyHandlerServer}.
 * The footprint (RSS, heap, restart to healthy) is taken on the last, largest fleet.
 */
public final class ReadsScenario {

    public static final String NAME = "reads";
    public static final String FOOTPRINT = "footprint";
    private static final int[] CLIENTS = {1, 16};
    private static final Duration POINT_CAP = Duration.ofSeconds(60);
    private static final Duration HEALTHY_TIMEOUT = Duration.ofMinutes(3);
    /** How far the history's event times may be from their append time: farther than the history reaches back. */
    private static final Duration HISTORY_SKEW = Duration.ofDays(100);
    private static final double LOADING_SHARE = 0.01;
    private static final Map<String, Duration> RANGES = ranges();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final BenchContext context;

    public ReadsScenario(BenchContext context) {
        this.context = context;
    }

    private static Map<String, Duration> ranges() {
        Map<String, Duration> ranges = new LinkedHashMap<>();
        ranges.put("1h", Duration.ofHours(1));
        ranges.put("24h", Duration.ofDays(1));
        ranges.put("7d", Duration.ofDays(7));
        ranges.put("90d", Duration.ofDays(90));
        return ranges;
    }

    /** One kind of read: its name in the table, its target (ms, p99) and how to make its i-th request. */
    private record Read(String name, String target, Double targetMs, LongFunction<LoadGenerator.Request> request) {
    }

    public List<Figure> run() throws Exception {
        List<Figure> figures = new ArrayList<>();
        Map<String, List<Double>> ceilings = emptyHandlerCeilings();
        List<FleetShape> fleets = context.sizes().readFleets();
        for (int i = 0; i < fleets.size(); i++) {
            figures.addAll(runFleet(fleets.get(i), ceilings, i == fleets.size() - 1));
        }
        for (int clients : CLIENTS) {
            figures.add(Figure.of(NAME, "ceiling: empty handler p50, " + clients + " clients", "ms",
                    Summary.of(ceilings.get("p50-" + clients))));
            figures.add(Figure.of(NAME, "ceiling: empty handler p99, " + clients + " clients", "ms",
                    Summary.of(ceilings.get("p99-" + clients))));
        }
        return figures;
    }

    private Map<String, List<Double>> emptyHandlerCeilings() throws InterruptedException {
        Map<String, List<Double>> ceilings = new LinkedHashMap<>();
        try (EmptyHandlerServer empty = EmptyHandlerServer.start()) {
            for (int clients : CLIENTS) {
                for (int run = 0; run < context.runs(); run++) {
                    LoadGenerator.Result result = point(empty.baseUrl(), clients,
                            i -> new LoadGenerator.Request("serving.get_endpoint_details", "{\"endpoint_url\":\"/x\"}"));
                    ceilings.computeIfAbsent("p50-" + clients, k -> new ArrayList<>()).add(result.latencies().percentileMs(50));
                    ceilings.computeIfAbsent("p99-" + clients, k -> new ArrayList<>()).add(result.latencies().percentileMs(99));
                }
            }
        }
        return ceilings;
    }

    private List<Figure> runFleet(FleetShape fleet, Map<String, List<Double>> ceilings, boolean footprint)
            throws Exception {
        StatusReports reports = new StatusReports(fleet);
        int historyUrls = Math.min(context.sizes().historyUrls(), fleet.urls());
        int loading = Math.max(1, (int) Math.round(fleet.containers() * LOADING_SHARE));
        Map<TopicPartition, Long> from = context.offsets().eventsEnd();
        long now = System.currentTimeMillis();
        List<ContainerEvent> history = HistoryBackfill.events(reports, historyUrls, from.size(), now - 1_000);
        context.log("reads %s: writing %d history events (%d urls, 90 d)", fleet.describe(), history.size(), historyUrls);
        EventWriter.write(context.bootstrapServers(), history.size(), i -> history.get((int) i));
        Map<TopicPartition, Long> historyEnd = context.offsets().eventsEnd();

        String applicationId = context.uniqueName("reads");
        Path dataDir = context.freshDir(applicationId);
        context.offsets().startGroupAt(applicationId, from);
        List<Figure> figures = new ArrayList<>();
        // The history first, alone: live reports "now" on other partitions would move the
        // windows' stream time past the history still waiting, which would then be dropped as late.
        long loadStart = System.nanoTime();
        Duration cap = context.sizes().loadCap();
        boolean loaded = processHistory(applicationId, historyEnd, cap);
        context.log("reads %s: history processed in %.1f s; writing %d live containers (%d loading)",
                fleet.describe(), (System.nanoTime() - loadStart) / 1e9, fleet.containers(), loading);
        try (ServiceProcess service = ServiceProcess.prepare(context, applicationId, dataDir)) {
            service.startAndAwaitHealthy(HEALTHY_TIMEOUT);
            long liveNow = System.currentTimeMillis();
            EventWriter.write(context.bootstrapServers(), 2L * fleet.containers() + loading, i -> {
                if (i >= 2L * fleet.containers()) {
                    return reports.registerLoading("bench-loading-" + (i - 2L * fleet.containers()), liveNow);
                }
                int container = (int) (i / 2);
                return i % 2 == 0 ? reports.register(container, liveNow) : reports.report(container, 1_000_000, liveNow);
            });
            Map<TopicPartition, Long> to = context.offsets().eventsEnd();
            loaded &= context.offsets().awaitDrained(applicationId, to, cap).compareTo(cap) < 0;
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            context.log("reads %s: service processed %d events in %.1f s%s", fleet.describe(),
                    GroupOffsets.total(to) - GroupOffsets.total(from), loadSeconds, loaded ? "" : " (cap reached)");
            String history90d = historyCoverage(service.baseUrl());
            context.log("reads %s: 90 d cpu_util chart of a history url: %s", fleet.describe(), history90d);
            String note = "90 d chart of a history url: " + history90d + "; " + (loaded ? "service processed the fleet's " + (GroupOffsets.total(to) - GroupOffsets.total(from))
                    + " events in " + Math.round(loadSeconds) + " s before the reads"
                    : "NOT fully processed within " + context.sizes().loadCap().toSeconds() + " s: reads ran on a partial fleet");

            Map<String, List<Double>> samples = new LinkedHashMap<>();
            List<Double> rss = new ArrayList<>();
            List<Double> heap = new ArrayList<>();
            List<Read> reads = reads(fleet, historyUrls);
            Map<String, Long> failures = new LinkedHashMap<>();
            for (int run = 0; run < context.runs(); run++) {
                for (Read read : reads) {
                    for (int clients : CLIENTS) {
                        LoadGenerator.Result result = point(service.baseUrl(), clients, read.request());
                        failures.merge(read.name() + "|" + clients, result.failed(), Long::sum);
                        if (result.failed() > 0) {
                            context.log("reads: %s at %d clients: %d non-200 answers, first: %s", read.name(), clients,
                                    result.failed(), result.firstFailure());
                        }
                        samples.computeIfAbsent(read.name() + "|p50|" + clients, k -> new ArrayList<>())
                                .add(result.latencies().percentileMs(50));
                        samples.computeIfAbsent(read.name() + "|p99|" + clients, k -> new ArrayList<>())
                                .add(result.latencies().percentileMs(99));
                    }
                }
                if (footprint) {
                    rss.add(service.rssMiB());
                    heap.add(service.heapUsedMiB());
                }
            }
            for (Read read : reads) {
                for (int clients : CLIENTS) {
                    for (String stat : List.of("p50", "p99")) {
                        List<Double> values = samples.get(read.name() + "|" + stat + "|" + clients);
                        if (values.stream().anyMatch(v -> v.isNaN())) {
                            context.log("reads: %s %s at %d clients had no 200 answer", read.name(), stat, clients);
                            continue;
                        }
                        Figure figure = Figure.of(NAME, read.name() + " " + stat + ", " + clients + " clients, "
                                        + fleet.describe(), "ms", Summary.of(values))
                                .withCeiling("empty handler " + stat, Summary.of(ceilings.get(stat + "-" + clients)).median())
                                .withNote(failures.get(read.name() + "|" + clients) == 0 ? note
                                        : failures.get(read.name() + "|" + clients) + " requests failed or timed out (30 s)"
                                                + " and are not in the percentiles; " + note);
                        if (stat.equals("p99") && read.targetMs() != null) {
                            figure = figure.withTarget(read.target(), read.targetMs());
                        }
                        figures.add(figure);
                    }
                }
            }
            if (footprint) {
                figures.addAll(footprint(service, fleet, rss, heap));
            }
        } finally {
            BenchContext.deleteTree(dataDir);
        }
        return figures;
    }

    private List<Figure> footprint(ServiceProcess service, FleetShape fleet, List<Double> rss, List<Double> heap)
            throws Exception {
        List<Double> restarts = new ArrayList<>();
        for (int run = 0; run < context.runs(); run++) {
            service.stop();
            Duration took = service.startAndAwaitHealthy(HEALTHY_TIMEOUT);
            restarts.add(took.toMillis() / 1000.0);
            context.log("footprint: restart %d to healthy in %.1f s", run + 1, took.toMillis() / 1000.0);
        }
        String what = ", after the reads on " + fleet.describe();
        return List.of(
                Figure.of(FOOTPRINT, "service RSS (VmRSS)" + what, "MiB", Summary.of(rss))
                        .withTarget("<= 2 GiB at 100000 containers", 2048)
                        .withNote("the service alone, a child JVM with default heap settings (no -Xmx)"),
                Figure.of(FOOTPRINT, "service heap used" + what, "MiB", Summary.of(heap))
                        .withNote("jvm_memory_used_bytes{area=heap} from its /metrics"),
                Figure.of(FOOTPRINT, "restart to healthy (SIGTERM, start on the same state)", "s", Summary.of(restarts))
                        .withTarget("<= 30 s", 30)
                        .withNote("JVM start + Streams restore until /health is 200; same data dir, same Kafka"));
    }

    private List<Read> reads(FleetShape fleet, int historyUrls) {
        List<Read> reads = new ArrayList<>();
        reads.add(new Read("get_endpoint_details", "<= 5 ms", 5.0, i -> new LoadGenerator.Request(
                "serving.get_endpoint_details",
                "{\"endpoint_url\":\"" + FleetShape.urlOf((int) (i * 7919 % fleet.urls())) + "\"}")));
        reads.add(new Read("get_loading_instances", null, null,
                i -> new LoadGenerator.Request("serving.get_loading_instances", "{}")));
        reads.add(new Read("get_endpoints (" + fleet.urls() + " rows)", "<= 100 ms at 10000 rows", 100.0,
                i -> new LoadGenerator.Request("serving.get_endpoints", "{}")));
        for (Map.Entry<String, Duration> range : RANGES.entrySet()) {
            long seconds = range.getValue().toSeconds();
            long interval = Math.max(40, seconds / 100);
            reads.add(new Read("get_endpoint_metrics_history " + range.getKey(), "<= 20 ms", 20.0, i -> {
                long to = System.currentTimeMillis() / 1000;
                return new LoadGenerator.Request("serving.get_endpoint_metrics_history",
                        "{\"endpoint_url\":\"" + FleetShape.urlOf((int) (i % historyUrls)) + "\",\"from_date\":"
                                + (to - seconds) + ",\"to_date\":" + to + ",\"interval\":" + interval
                                + ",\"metric_type\":\"cpu_util\",\"instance_charts\":true}");
            }));
        }
        return reads;
    }

    /**
     * Processes the backfilled history under the service's application id, in this JVM, with the
     * service's topology except for the trust in event times: the service replaces an event time
     * more than {@code --max-clock-skew} (at most a day) from the broker's append time by the
     * append time, so its own processing would stamp 90 days of history "now". The service then
     * starts on the committed offsets and restores these windows from their changelogs. Returns
     * whether the history was processed within {@code cap}.
     */
    private boolean processHistory(String applicationId, Map<TopicPartition, Long> historyEnd, Duration cap)
            throws InterruptedException {
        Path stateDir = context.freshDir(applicationId + "-history");
        // The topology of the service's own options (InProcessService's arguments), but for the skew.
        ProcessorConfig trustingHistory = LauncherOptions.parse(
                        InProcessService.serviceArguments(context, applicationId, stateDir, 0), Map.of())
                .processorConfig().withMaxClockSkew(HISTORY_SKEW);
        try (StreamsRunner runner = new StreamsRunner(ServingTopology.build(trustingHistory),
                new StreamsSettings(applicationId, context.bootstrapServers(), stateDir, "127.0.0.1", 1, 0, 1)
                        .toProperties())) {
            runner.start();
            if (!runner.awaitRunning(HEALTHY_TIMEOUT)) {
                throw new IllegalStateException("the history's processing did not reach RUNNING within " + HEALTHY_TIMEOUT);
            }
            boolean done = context.offsets().awaitDrained(applicationId, historyEnd, cap).compareTo(cap) < 0;
            // Leaves the group, so that the service gets every partition at once, not after a session timeout.
            runner.streams().close(CloseOptions.timeout(HEALTHY_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            return done;
        } finally {
            BenchContext.deleteTree(stateDir);
        }
    }

    /** How many buckets of the 90 d chart of history url 0 have data: the backfill's proof. */
    private static String historyCoverage(String baseUrl) throws Exception {
        long to = System.currentTimeMillis() / 1000;
        long interval = Duration.ofDays(90).toSeconds() / 100;
        String body = "{\"endpoint_url\":\"" + FleetShape.urlOf(0) + "\",\"from_date\":" + (to - Duration.ofDays(90).toSeconds())
                + ",\"to_date\":" + to + ",\"interval\":" + interval + ",\"metric_type\":\"cpu_util\"}";
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/serving.get_endpoint_metrics_history"))
                        .header("Authorization", BenchCredentials.basicAuthorization())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode values = MAPPER
                .readTree(response.body()).path("data").path("total").path("values");
        int nonZero = 0;
        for (JsonNode value : values) {
            nonZero += value.asDouble() > 0 ? 1 : 0;
        }
        return nonZero + " of " + values.size() + " buckets have data (HTTP " + response.statusCode() + ")";
    }

    /** One figure's requests, after a tenth as many unmeasured ones (JIT, connections, caches). */
    private LoadGenerator.Result point(String baseUrl, int clients, LongFunction<LoadGenerator.Request> request)
            throws InterruptedException {
        int requests = context.sizes().readRequests();
        new LoadGenerator(new LoadGenerator.Settings(baseUrl, BenchCredentials.basicAuthorization(), clients,
                1, Math.max(clients, requests / 10), POINT_CAP)).run(request);
        return new LoadGenerator(new LoadGenerator.Settings(baseUrl, BenchCredentials.basicAuthorization(), clients,
                1, requests, POINT_CAP)).run(request);
    }
}
