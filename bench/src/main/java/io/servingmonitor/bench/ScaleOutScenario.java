package io.servingmonitor.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * Scale-out: reads and writes through nginx ({@code deploy/nginx.conf}, see {@link NginxFront})
 * against 1 ingest node and the query node counts of {@link Sizes#scaleOutNodeCounts()} (full: 1, 2
 * and 3; quick: 1 and 2), each a child JVM on the bench's broker. The
 * fleet is written once through nginx; then, for each node count, that many query nodes start at
 * once under a fresh application id whose group begins where the fleet begins (so each count
 * starts clean, its tasks spread by the first assignment, and processes the same fleet), and the
 * scenario waits until they have processed it, the group is stable and every node is healthy.
 * Then, per run: {@code get_endpoints}, {@code get_endpoint_details} and a 1 h chart, and status
 * reports, each at {@link #IN_FLIGHT} requests in flight from the bench's {@link LoadGenerator}:
 * answers per second, p50 and p99, and the machine's busy cores with the CPU of query nodes,
 * ingest node, nginx and the bench's JVM (generator and broker). Ceiling of the same run: the same
 * generator through the same nginx config in front of an {@link EmptyHandlerServer} (both upstreams),
 * measured right before. Skipped, with a line saying so, when nginx is not installed.
 */
public final class ScaleOutScenario {

    public static final String NAME = "scale-out";
    static final int IN_FLIGHT = 16;
    private static final int CLIENTS = 4;
    private static final Duration POINT_CAP = Duration.ofSeconds(60);
    /** Nodes that start at once on a loaded 2-core machine took 2.5 min to all be healthy (at load average 50-70). */
    private static final Duration HEALTHY_TIMEOUT = Duration.ofMinutes(6);
    private static final Duration STABLE_TIMEOUT = Duration.ofMinutes(2);
    /** Five JVMs share the machine here: each node's heap is capped, as a deployment would. */
    private static final List<String> NODE_JVM_OPTIONS = List.of("-Xmx1g");
    private static final String READ_PATH = "read path";
    private static final String WRITE_PATH = "write path";

    private final BenchContext context;

    public ScaleOutScenario(BenchContext context) {
        this.context = context;
    }

    /** One kind of call: its name, whether nginx routes it to the ingest node, and its i-th request. */
    private record Call(String name, boolean write, LongFunction<LoadGenerator.Request> request) {
        String path() {
            return write ? WRITE_PATH : READ_PATH;
        }
    }

    /** One row of the scale-out table: a call at a node count, with its same-run ceiling and busy cores (medians). */
    record Row(String call, int nodes, double perSecond, double ceilingPerSecond, double p50Ms, double p99Ms,
               double busyCores) {
    }

    public List<Figure> run() throws Exception {
        Optional<Path> nginx = NginxFront.executable();
        if (nginx.isEmpty()) {
            context.log("scale-out: SKIPPED: nginx is not installed (not on the PATH, no /usr/sbin/nginx; "
                    + "apt-get install -y nginx), so deploy/nginx.conf cannot be run");
            return List.of();
        }
        FleetShape fleet = context.sizes().scaleOutFleet();
        StatusReports reports = new StatusReports(fleet);
        long now = System.currentTimeMillis();
        List<String> registers = new ArrayList<>();
        List<String> statusReports = new ArrayList<>();
        for (int container = 0; container < fleet.containers(); container++) {
            registers.add(RequestBodies.of(reports.register(container, now)));
            statusReports.add(RequestBodies.of(reports.report(container, 1, now)));
        }
        List<Call> calls = calls(fleet, statusReports);
        Path dir = context.freshDir(context.uniqueName("scale-out"));
        Path credentials = BenchCredentials.writeFile(dir);
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        Map<Integer, String> settled = new LinkedHashMap<>();
        Map<String, Long> failures = new LinkedHashMap<>();
        List<String> countsFailed = new ArrayList<>();
        try (EmptyHandlerServer empty = EmptyHandlerServer.start();
             ServiceProcess ingest = ingestNode(dir, credentials);
             NginxFront ceilingFront = NginxFront.start(nginx.get(), dir.resolve("nginx-ceiling"),
                     Map.of("ingest", List.of(port(empty.baseUrl())), "query", List.of(port(empty.baseUrl()))))) {
            ingest.startAndAwaitHealthy(HEALTHY_TIMEOUT);
            Map<TopicPartition, Long> fleetStart = context.offsets().eventsEnd();
            boolean fleetWritten = false;
            List<Integer> nodeCounts = context.sizes().scaleOutNodeCounts();
            for (int nodes : nodeCounts) {
                String applicationId = context.uniqueName("scale-out-" + nodes);
                context.offsets().startGroupAt(applicationId, fleetStart);
                List<ServiceProcess> queryNodes = new ArrayList<>();
                try {
                    long start = System.nanoTime();
                    for (int i = 0; i < nodes; i++) {
                        ServiceProcess node = queryNode(applicationId, dir, credentials, i);
                        queryNodes.add(node);
                        node.start();
                    }
                    for (ServiceProcess node : queryNodes) {
                        node.awaitHealthy(HEALTHY_TIMEOUT, start);
                    }
                    context.log("scale-out: %d query node(s) healthy in %.1f s", nodes, (System.nanoTime() - start) / 1e9);
                    try (NginxFront front = NginxFront.start(nginx.get(), dir.resolve("nginx-" + nodes), Map.of(
                            "ingest", List.of(ingest.port()),
                            "query", queryNodes.stream().map(ServiceProcess::port).toList()))) {
                        if (!fleetWritten) {
                            writeFleet(front.baseUrl(), fleet, registers, statusReports);
                            fleetWritten = true;
                        }
                        settled.put(nodes, settle(applicationId, nodes, queryNodes));
                        Cpu cpu = new Cpu(queryNodes, ingest, front, ceilingFront);
                        for (int run = 0; run < context.runs(); run++) {
                            String ceilingDone = "";
                            for (Call call : calls) {
                                if (!ceilingDone.equals(call.path())) {
                                    Call ceilingCall = call.write() ? call : calls.get(1);
                                    measure(samples, failures, "ceiling|" + call.path() + "|" + nodes,
                                            ceilingFront.baseUrl(), ceilingCall, cpu);
                                    ceilingDone = call.path();
                                }
                                measure(samples, failures, call.name() + "|" + nodes, front.baseUrl(), call, cpu);
                            }
                            // The reports just written are processed before the next run's reads
                            // (after the last run nothing is measured on these nodes any more).
                            if (run + 1 < context.runs()) {
                                context.offsets().awaitDrained(applicationId, context.offsets().eventsEnd(),
                                        context.sizes().loadCap());
                            }
                        }
                    }
                } catch (IllegalStateException e) {
                    // The other node counts still give their figures; the suite reports this one as failed.
                    countsFailed.add(nodes + " query nodes: " + e.getMessage());
                    context.log("scale-out: %d query nodes FAILED: %s", nodes, e.getMessage());
                } finally {
                    // All shut down at once, then each is waited for.
                    queryNodes.forEach(ServiceProcess::requestStop);
                    for (ServiceProcess node : queryNodes) {
                        node.close();
                    }
                }
            }
        } finally {
            BenchContext.deleteTree(dir);
        }
        List<Figure> figures = figures(calls, samples, failures, settled);
        context.log("scale-out table:%n%s", table(rows(calls, samples, context.sizes().scaleOutNodeCounts())));
        if (!countsFailed.isEmpty()) {
            throw new BenchSuite.PartialFailure(figures, String.join("; ", countsFailed));
        }
        return figures;
    }

    private List<Call> calls(FleetShape fleet, List<String> statusReports) {
        long seconds = Duration.ofHours(1).toSeconds();
        return List.of(
                new Call("get_endpoints (" + fleet.urls() + " rows)", false,
                        i -> new LoadGenerator.Request("serving.get_endpoints", "{}")),
                new Call("get_endpoint_details", false, i -> new LoadGenerator.Request("serving.get_endpoint_details",
                        "{\"endpoint_url\":\"" + FleetShape.urlOf((int) (i * 7919 % fleet.urls())) + "\"}")),
                new Call("get_endpoint_metrics_history 1h", false, i -> {
                    long to = System.currentTimeMillis() / 1000;
                    return new LoadGenerator.Request("serving.get_endpoint_metrics_history",
                            "{\"endpoint_url\":\"" + FleetShape.urlOf((int) (i % fleet.urls())) + "\",\"from_date\":"
                                    + (to - seconds) + ",\"to_date\":" + to + ",\"interval\":40"
                                    + ",\"metric_type\":\"cpu_util\",\"instance_charts\":true}");
                }),
                new Call("container_status_report", true, i -> new LoadGenerator.Request(RequestBodies.STATUS_REPORT,
                        statusReports.get((int) (i % statusReports.size())))));
    }

    private ServiceProcess ingestNode(Path dir, Path credentials) {
        int port = ServiceProcess.freePort();
        return ServiceProcess.role("ingest", NODE_JVM_OPTIONS, List.of(
                "--bootstrap-servers", context.bootstrapServers(),
                "--port", Integer.toString(port),
                "--credentials", credentials.toString(),
                "--token-secret", BenchCredentials.TOKEN_SECRET), dir.resolve("ingest.log"), port);
    }

    private ServiceProcess queryNode(String applicationId, Path dir, Path credentials, int index) {
        int port = ServiceProcess.freePort();
        Path dataDir = context.freshDir(dir.getFileName() + "/" + applicationId + "-" + index);
        return ServiceProcess.role("query", NODE_JVM_OPTIONS, List.of(
                "--bootstrap-servers", context.bootstrapServers(),
                "--port", Integer.toString(port),
                "--data-dir", dataDir.toString(),
                "--credentials", credentials.toString(),
                "--application-id", applicationId,
                "--token-secret", BenchCredentials.TOKEN_SECRET), dataDir.resolve("node.log"), port);
    }

    /** Every container registers, then reports once, through nginx. */
    private void writeFleet(String front, FleetShape fleet, List<String> registers, List<String> statusReports)
            throws InterruptedException {
        long start = System.nanoTime();
        LoadGenerator.Result registered = generator(front, fleet.containers())
                .run(i -> new LoadGenerator.Request(RequestBodies.REGISTER, registers.get((int) i)));
        LoadGenerator.Result reported = generator(front, fleet.containers())
                .run(i -> new LoadGenerator.Request(RequestBodies.STATUS_REPORT, statusReports.get((int) i)));
        context.log("scale-out: %s written through nginx in %.1f s (%d registered, %d reported, %d failed%s)",
                fleet.describe(), (System.nanoTime() - start) / 1e9, registered.ok(), reported.ok(),
                registered.failed() + reported.failed(), registered.firstFailure() == null ? ""
                        : ", first: " + registered.firstFailure());
    }

    /**
     * Bounded waits until the query nodes have processed everything written so far, their group is
     * stable with one member per node, and every node answers {@code /health} 200; returns that
     * state in words (input partitions per instance), which goes into the figures' notes.
     */
    private String settle(String applicationId, int nodes, List<ServiceProcess> queryNodes) throws InterruptedException {
        long start = System.nanoTime();
        Duration cap = context.sizes().loadCap();
        boolean drained = context.offsets().awaitDrained(applicationId, context.offsets().eventsEnd(), cap)
                .compareTo(cap) < 0;
        long deadline = System.nanoTime() + STABLE_TIMEOUT.toNanos();
        Optional<List<Integer>> partitions = Optional.empty();
        boolean healthy = false;
        while (System.nanoTime() < deadline) {
            partitions = context.offsets().stablePartitionsPerInstance(applicationId);
            healthy = queryNodes.stream().allMatch(ServiceProcess::isHealthy);
            if (partitions.isPresent() && partitions.get().size() == nodes && healthy) {
                break;
            }
            Thread.sleep(200);
        }
        String state = (drained ? "fleet processed" : "fleet NOT fully processed within " + cap.toSeconds() + " s")
                + ", input partitions per query node " + partitions.map(Object::toString).orElse("unknown (group not stable)")
                + (healthy ? "" : ", not every node healthy");
        context.log("scale-out: %d query node(s) settled in %.1f s: %s", nodes, (System.nanoTime() - start) / 1e9, state);
        return state;
    }

    /** CPU counters of the processes of one node count (the ceiling's nginx counted as nginx too). */
    private record Cpu(List<ServiceProcess> queryNodes, ServiceProcess ingest, NginxFront front, NginxFront ceilingFront) {
        double[] now() {
            return new double[] {
                    queryNodes.stream().mapToDouble(ServiceProcess::cpuSeconds).sum(),
                    ingest.cpuSeconds(),
                    front.cpuSeconds() + ceilingFront.cpuSeconds(),
                    CpuTimes.processSeconds(ProcessHandle.current())};
        }
    }

    private static final String[] CPU_PARTS = {"query nodes", "ingest node", "nginx", "bench JVM (generator, broker)"};

    /** One point: a tenth as many unmeasured requests first (JIT, connections), then the measured ones. */
    private void measure(Map<String, List<Double>> samples, Map<String, Long> failures, String key, String baseUrl,
                         Call call, Cpu cpu) throws InterruptedException {
        long requests = context.sizes().scaleOutRequests();
        generator(baseUrl, Math.max(IN_FLIGHT, requests / 10)).run(call.request());
        CpuTimes machineBefore = CpuTimes.machine();
        double[] before = cpu.now();
        LoadGenerator.Result result = generator(baseUrl, requests).run(call.request());
        double busy = CpuTimes.machine().busyShareSince(machineBefore) * Runtime.getRuntime().availableProcessors();
        double[] after = cpu.now();
        double seconds = result.elapsed().toNanos() / 1e9;
        add(samples, key + "|rate", result.okPerSecond());
        add(samples, key + "|p50", result.latencies().percentileMs(50));
        add(samples, key + "|p99", result.latencies().percentileMs(99));
        add(samples, key + "|busy", busy);
        for (int i = 0; i < CPU_PARTS.length; i++) {
            add(samples, key + "|cpu" + i, (after[i] - before[i]) / seconds);
        }
        failures.merge(key, result.failed(), Long::sum);
        context.log("scale-out %s: %.0f/s, p50 %.1f ms, p99 %.1f ms, %.2f cores busy (query %.2f, ingest %.2f, "
                        + "nginx %.2f, bench %.2f)%s", key, result.okPerSecond(), result.latencies().percentileMs(50),
                result.latencies().percentileMs(99), busy, (after[0] - before[0]) / seconds,
                (after[1] - before[1]) / seconds, (after[2] - before[2]) / seconds, (after[3] - before[3]) / seconds,
                result.failed() == 0 ? "" : ", " + result.failed() + " failed, first: " + result.firstFailure());
    }

    private static void add(Map<String, List<Double>> samples, String key, double value) {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    private LoadGenerator generator(String baseUrl, long requests) {
        return new LoadGenerator(new LoadGenerator.Settings(baseUrl, BenchCredentials.basicAuthorization(), IN_FLIGHT,
                CLIENTS, requests, POINT_CAP));
    }

    private List<Figure> figures(List<Call> calls, Map<String, List<Double>> samples, Map<String, Long> failures,
                                 Map<Integer, String> settled) {
        List<Figure> figures = new ArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        for (int nodes : context.sizes().scaleOutNodeCounts()) {
            String what = nodes + " query node" + (nodes == 1 ? "" : "s") + " + 1 ingest node behind nginx, "
                    + IN_FLIGHT + " in flight";
            for (Call call : calls) {
                String key = call.name() + "|" + nodes;
                String ceilingKey = "ceiling|" + call.path() + "|" + nodes;
                if (!samples.containsKey(key + "|rate")) {
                    continue;
                }
                String note = settled.get(nodes) + "; " + failures.get(key) + " non-200 answers over all runs; CPU in cores "
                        + "(median): " + cpuSplit(samples, key) + "; the broker runs in the bench's JVM";
                figures.add(Figure.of(NAME, call.name() + ", " + what, "answers/s", Summary.of(samples.get(key + "|rate")))
                        .withCeiling("nginx -> empty Javalin handler, " + call.path() + ", same generator",
                                median(samples, ceilingKey + "|rate"))
                        .withNote(note));
                for (String stat : List.of("p50", "p99")) {
                    List<Double> values = samples.get(key + "|" + stat);
                    if (values.stream().noneMatch(v -> v.isNaN())) {
                        figures.add(Figure.of(NAME, call.name() + " " + stat + ", " + what, "ms", Summary.of(values))
                                .withCeiling("nginx -> empty handler " + stat, median(samples, ceilingKey + "|" + stat)));
                    }
                }
                List<Double> busy = samples.get(key + "|busy");
                if (busy.stream().noneMatch(v -> v.isNaN())) {
                    figures.add(Figure.of(NAME, "machine CPU busy during " + call.name() + ", " + what, "cores",
                            Summary.of(busy)).withCeiling("cores of the machine", cores));
                }
            }
            for (String path : List.of(READ_PATH, WRITE_PATH)) {
                String ceilingKey = "ceiling|" + path + "|" + nodes;
                if (samples.containsKey(ceilingKey + "|rate")) {
                    figures.add(Figure.of(NAME, "ceiling: nginx -> empty Javalin handler, " + path + ", measured with "
                                    + what, "answers/s", Summary.of(samples.get(ceilingKey + "|rate")))
                            .withNote("p50 " + ResultsTable.number(median(samples, ceilingKey + "|p50")) + " ms, p99 "
                                    + ResultsTable.number(median(samples, ceilingKey + "|p99")) + " ms; CPU in cores: "
                                    + cpuSplit(samples, ceilingKey)));
                }
            }
        }
        return figures;
    }

    private static String cpuSplit(Map<String, List<Double>> samples, String key) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < CPU_PARTS.length; i++) {
            parts.add(CPU_PARTS[i] + " " + String.format(Locale.ROOT, "%.2f", median(samples, key + "|cpu" + i)));
        }
        return String.join(", ", parts);
    }

    private static double median(Map<String, List<Double>> samples, String key) {
        List<Double> values = samples.get(key);
        return values == null || values.isEmpty() ? Double.NaN : Summary.of(values).median();
    }

    private static List<Row> rows(List<Call> calls, Map<String, List<Double>> samples, List<Integer> nodeCounts) {
        List<Row> rows = new ArrayList<>();
        for (Call call : calls) {
            for (int nodes : nodeCounts) {
                String key = call.name() + "|" + nodes;
                if (samples.containsKey(key + "|rate")) {
                    String ceiling = "ceiling|" + call.path() + "|" + nodes;
                    rows.add(new Row(call.name(), nodes, median(samples, key + "|rate"), median(samples, ceiling + "|rate"),
                            median(samples, key + "|p50"), median(samples, key + "|p99"), median(samples, key + "|busy")));
                }
            }
        }
        return rows;
    }

    /**
     * The scale-out table: one line per call and node count, with answers/s, its ratio to the
     * same-run ceiling and to the same call on the fewest nodes, p50 / p99 and the machine's busy cores.
     */
    static String table(List<Row> rows) {
        StringBuilder table = new StringBuilder();
        table.append("| call | query nodes | answers/s | ratio to ceiling | ratio to fewest nodes | p50 / p99 ms | cores busy |\n");
        table.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        Map<String, Double> first = new LinkedHashMap<>();
        for (Row row : rows) {
            double base = first.computeIfAbsent(row.call(), c -> row.perSecond());
            table.append("| ").append(row.call())
                    .append(" | ").append(row.nodes())
                    .append(" | ").append(ResultsTable.number(row.perSecond()))
                    .append(" | ").append(ratio(row.perSecond(), row.ceilingPerSecond()))
                    .append(" | ").append(ratio(row.perSecond(), base))
                    .append(" | ").append(ResultsTable.number(row.p50Ms())).append(" / ").append(ResultsTable.number(row.p99Ms()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", row.busyCores()))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String ratio(double value, double of) {
        return Double.isNaN(value) || Double.isNaN(of) || of == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", value / of);
    }

    private static int port(String baseUrl) {
        return Integer.parseInt(baseUrl.substring(baseUrl.lastIndexOf(':') + 1));
    }
}
