package io.servingmonitor.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.launcher.Role;
import io.servingmonitor.testkafka.KafkaCluster;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaled deployment as README's Scaled deployment describes it, for real: 3 KRaft brokers
 * (child JVMs; every topic replication factor 3 and {@code min.insync.replicas=2}, as the service
 * sets them), 2 {@code ingest} and 3 {@code query} nodes (child JVMs; one application id,
 * {@code --standby-replicas 1}, each its own data dir), one credentials file with 3 companies and
 * one token secret. A fleet of 2,000 containers over 200 urls in the 3 companies (some urls in
 * several companies with other containers, 100 containers still loading, 100 unregistered after
 * their reports) is written through both ingest nodes, each container's calls alternating between
 * them. Once every query node shows the fleet, every read action of every company is asked through
 * every query node: the answers must be the same on every node and equal to what the test computes
 * from what it wrote.
 *
 * <p>Clock-bound fields: {@code age_sec} of a loading container counts from each answer's own now,
 * so it is left out of the comparison between nodes and checked against the time since its
 * registration; {@code last_update} is the ingest node's clock when it took the container's last
 * call, checked to lie between the test's sending and the acknowledgement of that call (it is the
 * same on every node, as it comes from the event). Charts are asked for fixed dates.
 */
class ScaleOutTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> COMPANIES = List.of("scale-co-a", "scale-co-b", "scale-co-c");
    private static final String TOKEN_SECRET = "scale-out-test-token-secret-of-32-characters";
    private static final int CONTAINERS = 2_000;
    private static final int URLS = 200;
    /** Urls below this index have containers in more than one company. */
    private static final int SHARED_URLS = 10;
    private static final int PARTITIONS = 3;
    private static final int WRITERS = 12;
    private static final int READERS = 8;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration CATCH_UP = Duration.ofMinutes(5);
    private static final List<String> CHART_METRICS = List.of("requests", "latency_ms", "requests_min", "cpu_count");

    /** Test-only: more options for every query node, to see this test fail, e.g. {@code --application-id other}. */
    private static final String EXTRA_QUERY_ARGUMENTS = "faults.scaleout.query.arguments";

    @TempDir
    static Path workDir;

    private static final List<ServiceProcess> processes = new CopyOnWriteArrayList<>();
    private static KafkaCluster cluster;
    private static String applicationId;
    private static List<Node> ingestNodes;
    private static List<Node> queryNodes;
    private static List<Container> fleet;
    private static long writesStartedMs;
    private static long chartBucketSec;
    private static long chartIntervalSec;
    private static ExecutorService readers;

    enum Kind { SERVING, LOADING, UNREGISTERED }

    /** One status report as sent. */
    record Report(long uptimeSec, long requestsNum, double requestsMin, long latencyMs, int cpus) {
    }

    /**
     * One container as written: {@code url} is -1 for a loading one. {@code lastSentMs} and
     * {@code lastAckedMs} bracket its last register or report (what {@code last_update} shows).
     */
    record Container(String company, String id, Kind kind, int url, List<Report> reports,
                     long registeredSentMs, long registeredAckedMs, long lastSentMs, long lastAckedMs) {

        Report last() {
            return reports.get(reports.size() - 1);
        }

        boolean live() {
            return kind != Kind.UNREGISTERED;
        }
    }

    /** A node and one client per company (each client keeps its connections). */
    private record Node(String name, int port, ServiceProcess process, Map<String, ServingClient> clients) {
        Node(String name, int port, ServiceProcess process) {
            this(name, port, process, COMPANIES.stream().collect(java.util.stream.Collectors.toMap(c -> c,
                    c -> new ServingClient("http://127.0.0.1:" + port).withBasic(accessKey(c), secretKey(c)))));
        }

        ServingClient client(String company) {
            return clients.get(company);
        }
    }

    @BeforeAll
    static void startDeploymentAndWriteTheFleet() throws Exception {
        long started = System.nanoTime();
        applicationId = "scale-out-" + UUID.randomUUID().toString().substring(0, 8);
        Path credentials = workDir.resolve("credentials");
        Files.write(credentials, COMPANIES.stream().map(c -> c + ":" + accessKey(c) + ":" + secretKey(c)).toList(),
                StandardCharsets.UTF_8);
        cluster = KafkaCluster.start(workDir.resolve("kafka"), 3);

        List<CompletableFuture<Node>> starting = new ArrayList<>();
        for (String name : List.of("ingest-1", "ingest-2")) {
            starting.add(CompletableFuture.supplyAsync(() -> start(Role.INGEST, name, credentials)));
        }
        for (String name : List.of("query-1", "query-2", "query-3")) {
            starting.add(CompletableFuture.supplyAsync(() -> start(Role.QUERY, name, credentials)));
        }
        List<Node> nodes = starting.stream().map(CompletableFuture::join).toList();
        ingestNodes = nodes.subList(0, 2);
        queryNodes = nodes.subList(2, 5);
        for (Node node : nodes) {
            awaitHealthy(node);
        }
        long ready = System.nanoTime();

        writesStartedMs = System.currentTimeMillis();
        fleet = write(plan());
        long writesEndedMs = System.currentTimeMillis();
        long written = System.nanoTime();
        chartIntervalSec = oneBucketInterval(writesStartedMs / 1000, writesEndedMs / 1000 + 1);
        chartBucketSec = Math.floorDiv(writesStartedMs / 1000, chartIntervalSec) * chartIntervalSec;

        readers = Executors.newFixedThreadPool(READERS);
        System.out.printf("scale-out: nodes ready in %d s, %d containers written in %d s%n",
                TimeUnit.NANOSECONDS.toSeconds(ready - started), fleet.size(), TimeUnit.NANOSECONDS.toSeconds(written - ready));
        awaitCaughtUp();
        System.out.printf("scale-out: caught up in %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - written));
    }

    @AfterAll
    static void stopDeployment() throws InterruptedException {
        if (readers != null) {
            readers.shutdownNow();
        }
        for (ServiceProcess process : processes) {
            process.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theQueryNodesShareTheWorkAsOneApplication() throws Exception {
        ConsumerGroupDescription group = cluster.admin().describeConsumerGroups(List.of(applicationId))
                .all().get(30, TimeUnit.SECONDS).get(applicationId);
        assertThat(group.members()).as("one group member per query node: " + group).hasSize(queryNodes.size());
        List<TopicPartition> events = new ArrayList<>();
        for (MemberDescription member : group.members()) {
            assertThat(member.assignment().topicPartitions()).as("every query node owns tasks: " + member).isNotEmpty();
            member.assignment().topicPartitions().stream()
                    .filter(p -> p.topic().equals(Topics.CONTAINER_EVENTS)).forEach(events::add);
        }
        assertThat(events).as("each partition of " + Topics.CONTAINER_EVENTS + " owned by exactly one query node")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, PARTITIONS)
                        .mapToObj(p -> new TopicPartition(Topics.CONTAINER_EVENTS, p)).toList());
    }

    @Test
    void everyQueryNodeAnswersGetEndpointsOfEveryCompanyIdenticallyAndAsWritten() throws Exception {
        for (String company : COMPANIES) {
            JsonNode data = sameOnEveryNode("get_endpoints of " + company, askEveryNode(company, "serving.get_endpoints", "{}"));
            List<JsonNode> rows = list(data.path("endpoints"));
            for (JsonNode row : rows) {
                List<Container> live = liveOn(company, urlIndex(row.path("url").asText()));
                checkLastUpdate(row, live);
            }
            assertThat(rows).as("get_endpoints of " + company).isEqualTo(expectedEndpoints(company));
        }
    }

    @Test
    void everyQueryNodeAnswersGetLoadingInstancesOfEveryCompanyIdenticallyAndAsWritten() throws Exception {
        for (String company : COMPANIES) {
            long askedMs = System.currentTimeMillis();
            List<Reply> replies = askEveryNode(company, "serving.get_loading_instances", "{}");
            long answeredMs = System.currentTimeMillis();
            Map<String, Container> loading = new TreeMap<>();
            fleet.stream().filter(c -> c.company().equals(company) && c.kind() == Kind.LOADING)
                    .forEach(c -> loading.put(c.id(), c));
            for (Reply reply : replies) {
                for (JsonNode row : reply.data().path("instances")) {
                    Container c = loading.get(row.path("id").asText());
                    assertThat(c).as("a loading container of " + company + ": " + row).isNotNull();
                    assertThat(row.path("age_sec").asLong()).as("age_sec of " + row)
                            .isBetween((askedMs - c.registeredAckedMs()) / 1000 - 1, (answeredMs - c.registeredSentMs()) / 1000 + 1);
                    ((ObjectNode) row).remove("age_sec");
                }
            }
            JsonNode data = sameOnEveryNode("get_loading_instances of " + company, replies);
            List<JsonNode> rows = list(data.path("instances"));
            for (JsonNode row : rows) {
                checkLastUpdate(row, List.of(loading.get(row.path("id").asText())));
            }
            assertThat(rows).as("get_loading_instances of " + company)
                    .isEqualTo(loading.values().stream().map(ScaleOutTest::expectedLoading).toList());
        }
    }

    @Test
    void everyQueryNodeAnswersGetEndpointDetailsOfEveryUrlInEveryCompanyIdenticallyAndAsWritten() throws Exception {
        List<Callable<Void>> checks = new ArrayList<>();
        for (String company : COMPANIES) {
            for (int u = 0; u < URLS; u++) {
                int url = u;
                checks.add(() -> {
                    checkDetails(company, url);
                    return null;
                });
            }
        }
        runAll(checks);
    }

    @Test
    void everyQueryNodeAnswersTheChartsOfEveryUrlIdenticallyAndAsWritten() throws Exception {
        List<Callable<Void>> checks = new ArrayList<>();
        for (String company : COMPANIES) {
            for (int u = 0; u < URLS; u++) {
                int url = u;
                // Every url of every company for the requests; a third of them for the other metrics.
                List<String> metrics = u % 3 == 0 ? CHART_METRICS : CHART_METRICS.subList(0, 1);
                if (reportedOn(company, url).isEmpty()) {
                    continue;
                }
                for (String metric : metrics) {
                    checks.add(() -> {
                        checkChart(company, url, metric);
                        return null;
                    });
                }
            }
        }
        assertThat(checks).hasSizeGreaterThan(URLS);
        runAll(checks);
    }

    // --- the fleet --------------------------------------------------------------------------------

    /** The containers to write (times still unset), the same on every run. */
    private static List<Container> plan() {
        Random random = new Random(7);
        List<Container> planned = new ArrayList<>();
        for (int i = 0; i < CONTAINERS; i++) {
            Kind kind = i % 20 == 0 ? Kind.LOADING : i % 20 == 1 ? Kind.UNREGISTERED : Kind.SERVING;
            int url = kind == Kind.LOADING ? -1 : random.nextInt(URLS);
            String company = url < 0 ? COMPANIES.get(i % 3)
                    : url < SHARED_URLS ? COMPANIES.get(random.nextInt(3)) : COMPANIES.get(url % 3);
            List<Report> reports = new ArrayList<>();
            if (kind != Kind.LOADING) {
                // 1 or 2 reports of quarter values: every mean the service computes is exact in binary.
                int count = 1 + random.nextInt(2);
                int cpus = 1 + random.nextInt(4);
                long requests = random.nextInt(50);
                for (int r = 0; r < count; r++) {
                    requests += 1 + random.nextInt(100);
                    reports.add(new Report(60L * (r + 1) + random.nextInt(60), requests, random.nextInt(200) / 4.0,
                            5 + random.nextInt(200), cpus));
                }
            }
            planned.add(new Container(company, String.format("so-%04d", i), kind, url, List.copyOf(reports), 0, 0, 0, 0));
        }
        return planned;
    }

    /** Writes every container (its calls in order, alternating between the ingest nodes), in parallel. */
    private static List<Container> write(List<Container> planned) throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<Container>> done = new ArrayList<>();
            for (int i = 0; i < planned.size(); i++) {
                Container c = planned.get(i);
                int first = i % 2;
                done.add(writers.submit(() -> writeContainer(c, first)));
            }
            List<Container> written = new ArrayList<>();
            for (Future<Container> f : done) {
                written.add(f.get(5, TimeUnit.MINUTES));
            }
            return List.copyOf(written);
        } finally {
            writers.shutdownNow();
        }
    }

    private static Container writeContainer(Container c, int firstNode) {
        int call = firstNode;
        long registeredSent = System.currentTimeMillis();
        send(c, call++, "serving.register_container", modelFields(c) + ", \"timeout\": 900}");
        long registeredAcked = System.currentTimeMillis();
        long lastSent = registeredSent;
        long lastAcked = registeredAcked;
        for (Report r : c.reports()) {
            lastSent = System.currentTimeMillis();
            send(c, call++, "serving.container_status_report", modelFields(c) + ", \"uptime_sec\": " + r.uptimeSec()
                    + ", \"requests_num\": " + r.requestsNum() + ", \"requests_min\": " + r.requestsMin()
                    + ", \"latency_ms\": " + r.latencyMs() + ", \"machine_stats\": {\"cpu_usage\": "
                    + cpuUsage(r.cpus()) + ", \"memory_used\": 1024, \"memory_free\": 3072}}");
            lastAcked = System.currentTimeMillis();
        }
        if (c.kind() == Kind.UNREGISTERED) {
            send(c, call, "serving.unregister_container", "{\"container_id\": \"" + c.id() + "\"}");
        }
        return new Container(c.company(), c.id(), c.kind(), c.url(), c.reports(), registeredSent, registeredAcked,
                lastSent, lastAcked);
    }

    private static void send(Container c, int call, String action, String body) {
        Node node = ingestNodes.get(call % ingestNodes.size());
        Reply reply = node.client(c.company()).post(action, body);
        assertThat(reply.status()).as(action + " of " + c.id() + " on " + node.name() + ": " + reply.body()).isEqualTo(200);
    }

    private static String modelFields(Container c) {
        String fields = "{\"container_id\": \"" + c.id() + "\", \"endpoint_name\": \"" + endpointName(c) + "\""
                + ", \"model_name\": \"" + modelName(c) + "\", \"model_version\": \"" + modelVersion(c) + "\""
                + ", \"input_type\": \"image\"";
        return c.url() < 0 ? fields : fields + ", \"endpoint_url\": \"" + url(c.url()) + "\"";
    }

    // Every container of one company and url describes the endpoint alike, so that the one
    // standing for the endpoint (heard from last) does not matter; other companies differ.
    private static String endpointName(Container c) {
        return c.url() < 0 ? "loading-" + c.id() : "endpoint-" + c.url();
    }

    private static String modelName(Container c) {
        return "model-" + c.company() + "-" + (c.url() < 0 ? c.id() : Integer.toString(c.url()));
    }

    private static String modelVersion(Container c) {
        return "v" + Math.floorMod(c.url() < 0 ? c.id().hashCode() : c.url(), 4);
    }

    private static String cpuUsage(int cpus) {
        return IntStream.range(0, cpus).mapToObj(k -> Integer.toString(10 * (k + 1)))
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    private static String url(int u) {
        return "https://scale-out.example/serve/endpoint-" + u;
    }

    private static int urlIndex(String url) {
        return Integer.parseInt(url.substring(url.lastIndexOf('-') + 1));
    }

    private static List<Container> liveOn(String company, int url) {
        return fleet.stream().filter(c -> c.company().equals(company) && c.url() == url && c.live())
                .sorted(Comparator.comparing(Container::id)).toList();
    }

    /** Every container of {@code company} that reported on {@code url}, the unregistered ones too (charts are history). */
    private static List<Container> reportedOn(String company, int url) {
        return fleet.stream().filter(c -> c.company().equals(company) && c.url() == url && !c.reports().isEmpty())
                .sorted(Comparator.comparing(Container::id)).toList();
    }

    // --- expected answers -------------------------------------------------------------------------

    private static List<JsonNode> expectedEndpoints(String company) {
        List<JsonNode> rows = new ArrayList<>();
        for (int u = 0; u < URLS; u++) {
            List<Container> live = liveOn(company, u);
            if (live.isEmpty()) {
                continue;
            }
            ObjectNode row = MAPPER.createObjectNode()
                    .put("endpoint", endpointName(live.get(0)))
                    .put("model", modelName(live.get(0)))
                    .put("url", url(u))
                    .put("instances", live.size())
                    .put("uptime_sec", live.stream().mapToLong(c -> c.last().uptimeSec()).max().orElseThrow())
                    .put("requests", live.stream().mapToLong(c -> c.last().requestsNum()).sum())
                    .put("requests_min", EndpointStats.round2(live.stream().map(c -> new BigDecimal(c.last().requestsMin()))
                            .reduce(BigDecimal.ZERO, BigDecimal::add).doubleValue() / live.size()))
                    .put("latency_ms", Math.round((double) live.stream().mapToLong(c -> c.last().latencyMs()).sum() / live.size()));
            rows.add(row);
        }
        rows.sort(Comparator.comparing(r -> r.path("url").asText()));
        return rows.stream().map(ScaleOutTest::asParsed).toList();
    }

    private static JsonNode expectedLoading(Container c) {
        ObjectNode row = MAPPER.createObjectNode()
                .put("id", c.id())
                .put("endpoint", endpointName(c))
                .putNull("url")
                .put("model", modelName(c))
                .putNull("model_source")
                .put("model_version", modelVersion(c))
                .putNull("preprocess_artifact")
                .put("input_type", "image")
                .putNull("input_size")
                .put("uptime_sec", 0);
        return asParsed(row);
    }

    private static JsonNode expectedDetails(List<Container> live, int u) {
        Container any = live.get(0);
        ObjectNode details = MAPPER.createObjectNode()
                .put("endpoint", endpointName(any))
                .put("model", modelName(any))
                .put("url", url(u))
                .putNull("preprocess_artifact")
                .put("input_type", "image")
                .putNull("input_size")
                .putNull("model_source")
                .put("model_version", modelVersion(any))
                .put("uptime_sec", live.stream().mapToLong(c -> c.last().uptimeSec()).max().orElseThrow());
        ArrayNode instances = details.putArray("instances");
        for (Container c : live) {
            instances.addObject()
                    .put("id", c.id())
                    .put("uptime_sec", c.last().uptimeSec())
                    .put("requests", c.last().requestsNum())
                    .put("requests_min", EndpointStats.round2(c.last().requestsMin()))
                    .put("latency_ms", c.last().latencyMs())
                    .put("cpu_count", c.last().cpus())
                    .put("gpu_count", 0)
                    .set("reference", MAPPER.createArrayNode());
        }
        return asParsed(details);
    }

    /**
     * The chart of {@code metric} over three buckets of which the last holds every report (the
     * interval is chosen so): per container the max of the counter ({@code requests}, whose chart
     * has only buckets with data) or the mean of its reports; the total their sum, or their mean
     * for latency, in the order of the container ids as the service adds them.
     */
    private static JsonNode expectedChart(List<Container> reported, String metric) {
        Function<Container, Double> sample = switch (metric) {
            case "requests" -> c -> (double) c.reports().stream().mapToLong(Report::requestsNum).max().orElseThrow();
            case "latency_ms" -> c -> mean(c.reports().stream().map(r -> (double) r.latencyMs()).toList());
            case "requests_min" -> c -> mean(c.reports().stream().map(Report::requestsMin).toList());
            case "cpu_count" -> c -> mean(c.reports().stream().map(r -> (double) r.cpus()).toList());
            default -> throw new IllegalArgumentException(metric);
        };
        boolean mean = metric.equals("latency_ms");
        long bucketMs = chartBucketSec * 1000;
        long intervalMs = chartIntervalSec * 1000;
        List<Long> dates = metric.equals("requests") ? List.of(bucketMs)
                : List.of(bucketMs - 2 * intervalMs, bucketMs - intervalMs, bucketMs);
        double total = 0;
        for (Container c : reported) {
            total += sample.apply(c);
        }
        total = mean ? total / reported.size() : total;
        ObjectNode chart = MAPPER.createObjectNode().put("computed_interval", chartIntervalSec);
        chart.set("total", series(title(metric), dates, EndpointStats.round2(total)));
        ObjectNode instances = chart.putObject("instances");
        for (Container c : reported) {
            instances.set(c.id(), series(c.id(), dates, EndpointStats.round2(sample.apply(c))));
        }
        return asParsed(chart);
    }

    private static ObjectNode series(String title, List<Long> dates, double lastValue) {
        ObjectNode series = MAPPER.createObjectNode().put("title", title);
        ArrayNode d = series.putArray("dates");
        dates.forEach(d::add);
        ArrayNode v = series.putArray("values");
        for (int i = 0; i < dates.size() - 1; i++) {
            v.add(0.0);
        }
        v.add(lastValue);
        return series;
    }

    private static String title(String metric) {
        return switch (metric) {
            case "requests" -> "Number of Requests";
            case "latency_ms" -> "Average Latency (ms)";
            case "requests_min" -> "Requests per Minute";
            case "cpu_count" -> "CPU Count";
            default -> throw new IllegalArgumentException(metric);
        };
    }

    private static double mean(List<Double> values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.size();
    }

    /** The smallest whole number of hours whose bucket (aligned to the epoch) holds both instants. */
    private static long oneBucketInterval(long fromSec, long toSec) {
        for (long hours = 1; ; hours++) {
            long interval = hours * 3600;
            if (Math.floorDiv(fromSec, interval) == Math.floorDiv(toSec, interval)) {
                return interval;
            }
        }
    }

    // --- the checks -------------------------------------------------------------------------------

    private static void checkDetails(String company, int u) {
        List<Container> live = liveOn(company, u);
        List<Reply> replies = askEveryNode(company, "serving.get_endpoint_details",
                "{\"endpoint_url\": \"" + url(u) + "\"}");
        String what = "get_endpoint_details of " + company + " " + url(u);
        if (live.isEmpty()) {
            for (Reply reply : replies) {
                assertThat(reply.status()).as(what + " has no live container: " + reply.body()).isEqualTo(400);
                assertThat(reply.resultSubcode()).as(reply.body()).isEqualTo(1052);
            }
            return;
        }
        JsonNode data = sameOnEveryNode(what, replies);
        checkLastUpdate(data, live);
        for (JsonNode instance : data.path("instances")) {
            checkLastUpdate(instance, live.stream().filter(c -> c.id().equals(instance.path("id").asText())).toList());
        }
        assertThat(data).as(what).isEqualTo(expectedDetails(live, u));
    }

    private static void checkChart(String company, int u, String metric) {
        String body = "{\"endpoint_url\": \"" + url(u) + "\", \"from_date\": " + (chartBucketSec - 2 * chartIntervalSec)
                + ", \"to_date\": " + (chartBucketSec + chartIntervalSec) + ", \"interval\": " + chartIntervalSec
                + ", \"metric_type\": \"" + metric + "\", \"instance_charts\": true}";
        String what = "get_endpoint_metrics_history " + metric + " of " + company + " " + url(u);
        JsonNode data = sameOnEveryNode(what, askEveryNode(company, "serving.get_endpoint_metrics_history", body));
        assertThat(data).as(what).isEqualTo(expectedChart(reportedOn(company, u), metric));
    }

    /**
     * {@code last_update} of {@code node} (taken out of it) is the latest of the containers' last
     * calls: between the latest sending and the latest acknowledgement.
     */
    private static void checkLastUpdate(JsonNode node, List<Container> containers) {
        assertThat(containers).as("containers behind " + node).isNotEmpty();
        long lastUpdate = Instant.parse(((ObjectNode) node).remove("last_update").asText()).toEpochMilli();
        assertThat(lastUpdate).as("last_update of " + node)
                .isBetween(containers.stream().mapToLong(Container::lastSentMs).max().orElseThrow(),
                        containers.stream().mapToLong(Container::lastAckedMs).max().orElseThrow());
    }

    /** The data of the answers, which must all be 200 and the same. */
    private static JsonNode sameOnEveryNode(String what, List<Reply> replies) {
        JsonNode first = replies.get(0).data();
        for (int i = 0; i < replies.size(); i++) {
            Reply reply = replies.get(i);
            assertThat(reply.status()).as(what + " on " + queryNodes.get(i).name() + ": " + reply.body()).isEqualTo(200);
            assertThat(reply.data()).as(what + " on " + queryNodes.get(i).name() + " as on " + queryNodes.get(0).name())
                    .isEqualTo(first);
        }
        return first;
    }

    private static List<Reply> askEveryNode(String company, String action, String body) {
        return queryNodes.stream().map(node -> node.client(company).get(action, body)).toList();
    }

    private static void runAll(List<Callable<Void>> checks) throws Exception {
        for (Future<Void> f : readers.invokeAll(checks)) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof AssertionError failed) {
                    throw failed;
                }
                throw e;
            }
        }
    }

    /** Until every query node answers every company's endpoint rows and loading list as written. */
    private static void awaitCaughtUp() throws InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        Set<String> pending = new HashSet<>();
        while (true) {
            pending.clear();
            for (Node node : queryNodes) {
                for (String company : COMPANIES) {
                    Reply endpoints = node.client(company).get("serving.get_endpoints", "{}");
                    Reply loading = node.client(company).get("serving.get_loading_instances", "{}");
                    long loadingCount = fleet.stream().filter(c -> c.company().equals(company) && c.kind() == Kind.LOADING).count();
                    if (endpoints.status() != 200 || loading.status() != 200) {
                        pending.add(node.name() + "/" + company + " (" + endpoints.status() + ", " + loading.status() + ")");
                    } else if (!rowCounts(endpoints.data()).equals(expectedRowCounts(company))
                            || loading.data().path("instances").size() != loadingCount) {
                        Map<String, List<Long>> actual = rowCounts(endpoints.data());
                        Map<String, List<Long>> expected = expectedRowCounts(company);
                        String firstDifference = expected.keySet().stream()
                                .filter(url -> !expected.get(url).equals(actual.get(url))).findFirst()
                                .map(url -> url + " " + actual.get(url) + " instead of " + expected.get(url)).orElse("");
                        pending.add(node.name() + "/" + company + " (" + actual.size() + " of " + expected.size()
                                + " rows, " + loading.data().path("instances").size() + " of " + loadingCount + " loading; "
                                + firstDifference + ")");
                    }
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("every query node shows the fleet within " + CATCH_UP + "; behind: " + pending
                        + "\nlast output of " + queryNodes.get(0).name() + ":\n" + queryNodes.get(0).process().tail(30));
            }
            Thread.sleep(500);
        }
    }

    private static Map<String, List<Long>> rowCounts(JsonNode data) {
        Map<String, List<Long>> counts = new TreeMap<>();
        data.path("endpoints").forEach(row -> counts.put(row.path("url").asText(),
                List.of(row.path("instances").asLong(), row.path("requests").asLong())));
        return counts;
    }

    private static Map<String, List<Long>> expectedRowCounts(String company) {
        Map<String, List<Long>> counts = new TreeMap<>();
        for (int u = 0; u < URLS; u++) {
            List<Container> live = liveOn(company, u);
            if (!live.isEmpty()) {
                counts.put(url(u), List.of((long) live.size(), live.stream().mapToLong(c -> c.last().requestsNum()).sum()));
            }
        }
        return counts;
    }

    // --- nodes ------------------------------------------------------------------------------------

    private static Node start(Role role, String name, Path credentials) {
        int port = ServiceProcess.freePort();
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", cluster.bootstrapServers(),
                "--port", Integer.toString(port),
                "--credentials", credentials.toString(),
                "--token-secret", TOKEN_SECRET,
                "--partitions", Integer.toString(PARTITIONS),
                "--replication-factor", Integer.toString(KafkaCluster.REPLICATION_FACTOR)));
        String heap = "-Xmx128m";
        if (role == Role.QUERY) {
            heap = "-Xmx256m";
            args.addAll(List.of("--data-dir", workDir.resolve(name).toString(),
                    "--application-id", applicationId,
                    "--standby-replicas", "1",
                    "--stream-threads", "1",
                    "--rocksdb-memory", "32m"));
            List.of(System.getProperty(EXTRA_QUERY_ARGUMENTS, "").split(" ")).stream()
                    .filter(a -> !a.isBlank()).forEach(args::add);
        }
        List<String> jvm = List.of(heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.io.servingmonitor=info");
        try {
            ServiceProcess process = ServiceProcess.start(role, jvm, args, workDir.resolve(name + ".log"), START_TIMEOUT);
            processes.add(process);
            return new Node(name, port, process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name, e);
        }
    }

    private static void awaitHealthy(Node node) throws InterruptedException {
        node.process().awaitHealthy(node.client(COMPANIES.get(0)), START_TIMEOUT);
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    /** As the node would read it back from an answer (the same number node types). */
    private static JsonNode asParsed(JsonNode node) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String accessKey(String company) {
        return company + "-key";
    }

    private static String secretKey(String company) {
        return company + "-secret";
    }
}
