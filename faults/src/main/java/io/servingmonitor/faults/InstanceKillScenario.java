package io.servingmonitor.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.launcher.Role;
import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.StreamsSettings;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.MetricAccumulator;
import io.servingmonitor.topics.MetricType;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kill -9 of a processing instance under load, restarted on its own state dir or on an empty one,
 * and what it did to the counts.
 *
 * <p>Two serving-monitor instances (child JVMs, same application id, so they share the stream
 * tasks) run against the given broker. Instance A takes every write and is never killed, so
 * writes keep being acknowledged; instance B processes its share of the partitions and is killed
 * with SIGKILL in every {@link Cycle}, kept down for the cycle's downtime, then started again on
 * its old data dir or on a new empty one. Meanwhile containers send steady status reports through
 * A's HTTP API. At the end the scenario reads {@code container-events} (read_committed) and
 * compares, once the topology has caught up:
 * <ul>
 *   <li>every write answered 200 with the events found: found once, twice (duplicate) or not (lost);</li>
 *   <li>the endpoint rows ({@code get_endpoints}, {@code get_endpoint_details}) with the last
 *       acknowledged report of each container;</li>
 *   <li>every 10 s window of every container ({@code get_endpoint_metrics_history} per container,
 *       for {@code requests} and {@code latency_ms}) with the reports that fell in it. Report
 *       {@code n} of a container has {@code requests_num = n} and {@code latency_ms = 256 * 2^(n mod 30)}:
 *       a window's latency mean then changes by more than 0.1 (the check allows 0.011 for the
 *       chart's rounding to 2 decimals) whenever one of up to 30 reports is counted twice or
 *       not at all (distinct powers of two never average to one of themselves), and its requests
 *       value is its last report's number. Limit: a mean cannot show a window whose every report
 *       was counted twice, nor a duplicate in a window of a single report; a replay from an old
 *       commit (the way counts double) starts and ends inside windows with other reports, which
 *       it does show. At the default rate a container sends about ten reports per window;</li>
 *   <li>the same windows as the store keeps them, from its changelog (read_committed): the
 *       count, sum and max of every window, which also see a window counted twice as a whole;</li>
 *   <li>{@code container-state}: no container was expired (tombstoned) while it kept reporting,
 *       although their timeout may be shorter than a failover.</li>
 * </ul>
 * The restart figures are the time from starting B again to its {@code /health} answering 200
 * (which needs its stores restored and RUNNING) and the records Kafka Streams restored into B's
 * stores meanwhile (its changelog reader's log lines).
 */
public final class InstanceKillScenario {

    /** Where the killed instance starts again. */
    public enum Restart { SAME_STATE_DIR, EMPTY_STATE_DIR }

    /** One kill: B is down for {@code downtime}, then restarted as {@code restart} says. */
    public record Cycle(Duration downtime, Restart restart) {
        public Cycle {
            Objects.requireNonNull(downtime, "downtime");
            Objects.requireNonNull(restart, "restart");
        }
    }

    /**
     * @param bootstrapServers   the Kafka the instances use
     * @param workDir            data dirs, credentials and the instances' logs ({@code a.log}, {@code b.log})
     * @param cycles             the kills, in order
     * @param containers         containers reporting, spread over two urls
     * @param reportsPerSecond   steady load over all containers (up to 3 per container and second keep a
     *                           10 s window within the 30 distinct report values the chart check needs)
     * @param containerTimeout   the timeout the containers register with
     * @param loadBetweenKills   load before the first kill and after each restart before the next
     * @param sessionTimeout     the instances' {@code --session-timeout}
     * @param startTimeout       how long a start, a restart's readiness or the final catch-up may take
     * @param instanceArguments  more {@code standalone} options for both instances (such as {@code --metric-grace})
     */
    public record Settings(String bootstrapServers, Path workDir, List<Cycle> cycles, int containers,
                           int reportsPerSecond, Duration containerTimeout, Duration loadBetweenKills,
                           Duration sessionTimeout, Duration startTimeout, List<String> instanceArguments) {
        public Settings {
            cycles = List.copyOf(cycles);
            instanceArguments = List.copyOf(instanceArguments);
            if (containers < 2 || reportsPerSecond < 1) {
                throw new IllegalArgumentException("at least 2 containers and 1 report per second");
            }
        }
    }

    /**
     * {@code cycles} kills with Kafka's default session timeout, alternating a restart on the
     * same state dir after a downtime longer than the session timeout (the survivor takes the
     * work over meanwhile) and one on an empty state dir after a few seconds (the work waits for
     * the group to drop the dead member); 16 containers reporting 16 times a second with a 30 s
     * timeout, shorter than either failover. About a minute per cycle.
     */
    public static Settings alternating(String bootstrapServers, Path workDir, int cycles) {
        Duration session = StreamsSettings.DEFAULT_SESSION_TIMEOUT;
        List<Cycle> list = new ArrayList<>();
        for (int i = 0; i < cycles; i++) {
            list.add(i % 2 == 0 ? new Cycle(session.plusSeconds(5), Restart.SAME_STATE_DIR)
                    : new Cycle(Duration.ofSeconds(3), Restart.EMPTY_STATE_DIR));
        }
        return new Settings(bootstrapServers, workDir, list, 16, 16, Duration.ofSeconds(30), Duration.ofSeconds(8),
                session, Duration.ofSeconds(120), List.of());
    }

    /**
     * What one restart of B took: until its {@code /health} answered 200, and the records Kafka
     * Streams restored into its active tasks by then (-1: none logged, as when the survivor keeps
     * the tasks while B warms copies of them up, which Kafka Streams does not log as restores).
     */
    public record RestartFigures(Cycle cycle, Duration restartToHealthy, long restoredRecords) {
    }

    /**
     * The figures of a run. {@code lost}: acknowledged writes not in {@code container-events};
     * {@code duplicates}: writes found more than once; {@code unacknowledgedFound}: writes not
     * answered 200 that are there anyway (allowed: the answer was lost, not the write; they count
     * in the expected values). Mismatches name container, window and values, at most 50 each.
     */
    public record Result(int cycles, long writesSent, long writesAcknowledged, long writesFound, long duplicates,
                         long lost, long unacknowledgedFound, int windowsChecked, List<String> windowMismatches,
                         List<String> storedWindowMismatches, List<String> rowMismatches,
                         List<String> expiredContainers, List<RestartFigures> restarts, Duration catchUp) {

        /** Nothing lost, nothing twice, every row and window as computed, nothing expired. */
        public boolean clean() {
            return lost == 0 && duplicates == 0 && windowMismatches.isEmpty() && storedWindowMismatches.isEmpty()
                    && rowMismatches.isEmpty() && expiredContainers.isEmpty();
        }

        /** One line per figure, for a console. */
        public String summary() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "instance kill: %d cycles, writes sent %d, acknowledged %d, found %d,"
                            + " duplicates %d, lost %d, found without 200 %d%n", cycles, writesSent, writesAcknowledged,
                    writesFound, duplicates, lost, unacknowledgedFound));
            s.append(String.format(Locale.ROOT, "  windows checked %d, mismatched in charts %d, in the store's changelog %d;"
                            + " row mismatches %d; expired containers %d; caught up in %.1f s%n", windowsChecked,
                    windowMismatches.size(), storedWindowMismatches.size(), rowMismatches.size(),
                    expiredContainers.size(), catchUp.toMillis() / 1000.0));
            for (RestartFigures r : restarts) {
                s.append(String.format(Locale.ROOT, "  restart on %s after %d s down: healthy in %.1f s, %s%n",
                        r.cycle().restart(), r.cycle().downtime().toSeconds(), r.restartToHealthy().toMillis() / 1000.0,
                        r.restoredRecords() < 0 ? "no active restore logged (warm-up copies first)" : r.restoredRecords() + " records restored"));
            }
            windowMismatches.stream().limit(10).forEach(m -> s.append("  window: ").append(m).append('\n'));
            storedWindowMismatches.stream().limit(10).forEach(m -> s.append("  stored window: ").append(m).append('\n'));
            rowMismatches.stream().limit(10).forEach(m -> s.append("  row: ").append(m).append('\n'));
            expiredContainers.stream().limit(10).forEach(m -> s.append("  expired: ").append(m).append('\n'));
            return s.toString();
        }
    }

    static final String COMPANY = "faults";
    private static final String ACCESS_KEY = "FAULTSACCESSKEY000000001";
    private static final String SECRET_KEY = "faults-secret-key-of-the-instance-kill-scenario";
    private static final String TOKEN_SECRET = "faults-token-secret-shared-by-both-instances";
    private static final List<String> URLS = List.of("/faults/a", "/faults/b");
    private static final long WINDOW_MS = 10_000;
    private static final int MAX_MISMATCHES = 50;
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOPIC_READ_TIMEOUT = Duration.ofSeconds(60);
    private static final MetricResolution TEN_SECONDS = ProcessorConfig.defaults().resolutions().get(0);
    private static final int WINDOWED_KEY_SUFFIX = Long.BYTES + Integer.BYTES;
    /** Kafka Streams' line at the end of each changelog partition's restore. */
    private static final Pattern RESTORED = Pattern.compile("Finished restoring changelog .* with a total number of (\\d+) records");
    private static final String CHANGELOG_READER_LOG = "-Dorg.slf4j.simpleLogger.log."
            + "org.apache.kafka.streams.processor.internals.StoreChangelogReader=info";

    private final Settings settings;
    private final String applicationId = "faults-" + UUID.randomUUID().toString().substring(0, 8);
    private final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean loadRunning = new AtomicBoolean(true);
    private Path credentials;
    private long loadStoppedNanos;

    private InstanceKillScenario(Settings settings) {
        this.settings = settings;
    }

    /** Runs the scenario; the child processes are gone when it returns or throws. */
    public static Result run(Settings settings) throws Exception {
        return new InstanceKillScenario(settings).run();
    }

    /** The {@code n}-th report's latency: a distinct power of two (times 256) within any 30 consecutive reports. */
    static long latencyOf(long n) {
        return 256L << (n % 30);
    }

    private record Write(String container, long n, int status) {
    }

    private Result run() throws Exception {
        Path work = settings.workDir();
        Files.createDirectories(work);
        credentials = work.resolve("credentials");
        Files.writeString(credentials, COMPANY + ":" + ACCESS_KEY + ":" + SECRET_KEY + "\n", StandardCharsets.UTF_8);
        int portA = ServiceProcess.freePort();
        int portB = ServiceProcess.freePort();
        Path firstDirB = work.resolve("b-0");
        Path dirB = firstDirB;
        CompletableFuture<ServiceProcess> startingA = CompletableFuture.supplyAsync(
                () -> startInstance(portA, work.resolve("a"), work.resolve("a.log")));
        CompletableFuture<ServiceProcess> startingB = CompletableFuture.supplyAsync(
                () -> startInstance(portB, firstDirB, work.resolve("b.log")));
        ServiceProcess a = null;
        ServiceProcess b = null;
        Thread load = null;
        try {
            a = join(startingA);
            b = join(startingB);
            ServingClient clientA = new ServingClient("http://127.0.0.1:" + portA).withBasic(ACCESS_KEY, SECRET_KEY);
            ServingClient clientB = new ServingClient("http://127.0.0.1:" + portB).withBasic(ACCESS_KEY, SECRET_KEY);
            a.awaitHealthy(clientA, settings.startTimeout());
            b.awaitHealthy(clientB, settings.startTimeout());

            List<String> containers = containers();
            for (String container : containers) {
                Reply reply = clientA.post("serving.register_container", registerBody(container));
                if (reply.status() != 200) {
                    throw new IllegalStateException("register answered " + reply.status() + ": " + reply.body());
                }
            }
            load = new Thread(() -> sendReports(clientA, containers), "faults-load");
            load.setDaemon(true);
            load.start();

            List<RestartFigures> restarts = new ArrayList<>();
            Thread.sleep(settings.loadBetweenKills().toMillis());
            for (int i = 0; i < settings.cycles().size(); i++) {
                Cycle cycle = settings.cycles().get(i);
                b.kill();
                Thread.sleep(cycle.downtime().toMillis());
                Path restartDir = cycle.restart() == Restart.SAME_STATE_DIR ? dirB : work.resolve("b-" + (i + 1));
                dirB = restartDir;
                long restarted = System.nanoTime();
                b = startInstance(portB, restartDir, work.resolve("b.log"));
                b.awaitHealthy(clientB, settings.startTimeout().plus(settings.sessionTimeout()));
                Duration toHealthy = Duration.ofNanos(System.nanoTime() - restarted);
                restarts.add(new RestartFigures(cycle, toHealthy, restoredRecords(b)));
                Thread.sleep(settings.loadBetweenKills().toMillis());
            }
            loadRunning.set(false);
            load.join(STOP_TIMEOUT.toMillis());
            loadStoppedNanos = System.nanoTime();
            return check(clientA, restarts);
        } finally {
            loadRunning.set(false);
            startingA.thenAccept(InstanceKillScenario::closeQuietly);
            startingB.thenAccept(InstanceKillScenario::closeQuietly);
            closeQuietly(a);
            closeQuietly(b);
        }
    }

    private Result check(ServingClient reads, List<RestartFigures> restarts) throws InterruptedException {
        Map<String, Long> acknowledged = new HashMap<>();
        long sent = 0;
        for (Write w : writes) {
            sent++;
            if (w.status() == 200) {
                acknowledged.put(w.container() + "#" + w.n(), w.n());
            }
        }
        // Every status report of this run, as Kafka keeps it: container, number, event time.
        Map<String, List<ContainerEvent>> found = new HashMap<>();
        for (ConsumerRecord<ContainerKey, ContainerEvent> record : TopicReader.readAll(settings.bootstrapServers(),
                Topics.CONTAINER_EVENTS, Serdes.containerKey().deserializer(), Serdes.containerEvent().deserializer(),
                TOPIC_READ_TIMEOUT)) {
            ContainerEvent event = record.value();
            if (event != null && event.company().equals(COMPANY) && event.type() == ContainerEventType.STATUS_REPORT
                    && event.load() != null && event.load().requestsNum() != null) {
                found.computeIfAbsent(event.containerId() + "#" + event.load().requestsNum(), k -> new ArrayList<>())
                        .add(event);
            }
        }
        long duplicates = found.values().stream().filter(list -> list.size() > 1).count();
        long lost = acknowledged.keySet().stream().filter(k -> !found.containsKey(k)).count();
        long unacknowledgedFound = found.keySet().stream().filter(k -> !acknowledged.containsKey(k)).count();
        Expected expected = new Expected();
        found.values().forEach(list -> expected.add(list.get(0)));

        long started = System.nanoTime();
        // The rows are read before the containers, silent since the load stopped, expire for real.
        long rowsDeadline = Math.max(started + Duration.ofSeconds(5).toNanos(),
                loadStoppedNanos + settings.containerTimeout().minusSeconds(5).toNanos());
        List<String> rows = rowMismatches(reads, expected);
        while (!rows.isEmpty() && System.nanoTime() < rowsDeadline) {
            Thread.sleep(POLL.toMillis());
            rows = rowMismatches(reads, expected);
        }
        long deadline = started + settings.startTimeout().toNanos();
        List<String> windows = windowMismatches(reads, expected);
        while (!windows.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(POLL.toMillis());
            windows = windowMismatches(reads, expected);
        }
        Duration catchUp = Duration.ofNanos(System.nanoTime() - started);
        return new Result(settings.cycles().size(), sent, acknowledged.size(), found.size(), duplicates, lost,
                unacknowledgedFound, expected.windowCount(), windows, storedWindowMismatches(expected), rows,
                expiredContainers(expected), restarts, catchUp);
    }

    /** What the reads must show, from the reports found (each once). */
    private static final class Expected {
        final Map<String, ContainerEvent> last = new TreeMap<>();
        /** container -> window start -> reports in it. */
        final Map<String, TreeMap<Long, List<Long>>> windows = new TreeMap<>();
        long minMs = Long.MAX_VALUE;
        long maxMs = Long.MIN_VALUE;

        void add(ContainerEvent event) {
            long n = event.load().requestsNum();
            last.merge(event.containerId(), event, (x, y) -> x.load().requestsNum() >= y.load().requestsNum() ? x : y);
            windows.computeIfAbsent(event.containerId(), c -> new TreeMap<>())
                    .computeIfAbsent(event.timestampMs() - Math.floorMod(event.timestampMs(), WINDOW_MS), w -> new ArrayList<>())
                    .add(n);
            minMs = Math.min(minMs, event.timestampMs());
            maxMs = Math.max(maxMs, event.timestampMs());
        }

        int windowCount() {
            return windows.values().stream().mapToInt(Map::size).sum();
        }

        List<String> containersOf(String url) {
            return last.values().stream().filter(e -> url.equals(e.model().endpointUrl())).map(ContainerEvent::containerId).toList();
        }
    }

    private List<String> rowMismatches(ServingClient reads, Expected expected) {
        List<String> mismatches = new ArrayList<>();
        Reply endpoints = reads.get("serving.get_endpoints", "{}");
        if (endpoints.status() != 200) {
            return List.of("get_endpoints answered " + endpoints.status());
        }
        Map<String, JsonNode> rowsByUrl = new HashMap<>();
        endpoints.data().path("endpoints").forEach(row -> rowsByUrl.put(row.path("url").asText(), row));
        for (String url : URLS) {
            List<String> containers = expected.containersOf(url);
            if (containers.isEmpty()) {
                continue;
            }
            List<ContainerEvent> lasts = containers.stream().map(expected.last::get).toList();
            JsonNode row = rowsByUrl.get(url);
            if (row == null) {
                mismatches.add("get_endpoints has no row for " + url);
                continue;
            }
            long requests = lasts.stream().mapToLong(e -> e.load().requestsNum()).sum();
            long uptime = lasts.stream().mapToLong(e -> e.load().uptimeSec()).max().orElseThrow();
            double latency = lasts.stream().mapToLong(e -> e.load().latencyMs()).average().orElseThrow();
            double requestsMin = lasts.stream().mapToDouble(e -> e.load().requestsMin()).average().orElseThrow();
            compare(mismatches, url + " instances", containers.size(), row.path("instances").asDouble(), 0);
            compare(mismatches, url + " requests", requests, row.path("requests").asDouble(), 0);
            compare(mismatches, url + " uptime_sec", uptime, row.path("uptime_sec").asDouble(), 0);
            compare(mismatches, url + " latency_ms", latency, row.path("latency_ms").asDouble(), 1);
            compare(mismatches, url + " requests_min", requestsMin, row.path("requests_min").asDouble(), 0.011);

            Reply details = reads.post("serving.get_endpoint_details", "{\"endpoint_url\": \"" + url + "\"}");
            if (details.status() != 200) {
                mismatches.add("get_endpoint_details " + url + " answered " + details.status());
                continue;
            }
            Map<String, JsonNode> byId = new HashMap<>();
            details.data().path("instances").forEach(i -> byId.put(i.path("id").asText(), i));
            for (ContainerEvent e : lasts) {
                JsonNode instance = byId.get(e.containerId());
                if (instance == null) {
                    mismatches.add("get_endpoint_details " + url + " lacks " + e.containerId());
                    continue;
                }
                compare(mismatches, e.containerId() + " requests", e.load().requestsNum(), instance.path("requests").asDouble(), 0);
                compare(mismatches, e.containerId() + " latency_ms", e.load().latencyMs(), instance.path("latency_ms").asDouble(), 0);
                compare(mismatches, e.containerId() + " uptime_sec", e.load().uptimeSec(), instance.path("uptime_sec").asDouble(), 0);
            }
            if (byId.size() != lasts.size()) {
                mismatches.add("get_endpoint_details " + url + " has " + byId.size() + " instances, expected " + lasts.size());
            }
        }
        return cap(mismatches);
    }

    private List<String> windowMismatches(ServingClient reads, Expected expected) {
        List<String> mismatches = new ArrayList<>();
        if (expected.windows.isEmpty()) {
            return mismatches;
        }
        long fromSec = Math.floorDiv(expected.minMs, WINDOW_MS) * (WINDOW_MS / 1000);
        long toSec = Math.floorDiv(expected.maxMs, WINDOW_MS) * (WINDOW_MS / 1000) + 20;
        for (String url : URLS) {
            for (String metric : List.of("requests", "latency_ms")) {
                Reply reply = reads.post("serving.get_endpoint_metrics_history", String.format(Locale.ROOT,
                        "{\"endpoint_url\": \"%s\", \"from_date\": %d, \"to_date\": %d, \"interval\": 10,"
                                + " \"metric_type\": \"%s\", \"instance_charts\": true}", url, fromSec, toSec, metric));
                if (reply.status() != 200) {
                    mismatches.add("history of " + url + " " + metric + " answered " + reply.status());
                    continue;
                }
                JsonNode instances = reply.data().path("instances");
                for (String container : expected.containersOf(url)) {
                    TreeMap<Long, List<Long>> windows = expected.windows.get(container);
                    Map<Long, Double> actual = new HashMap<>();
                    JsonNode series = instances.path(container);
                    for (int i = 0; i < series.path("dates").size(); i++) {
                        actual.put(series.path("dates").get(i).asLong(), series.path("values").get(i).asDouble());
                    }
                    TreeSet<Long> dates = new TreeSet<>(actual.keySet());
                    dates.addAll(windows.keySet());
                    for (long date : dates) {
                        List<Long> reports = windows.get(date);
                        Double value = actual.get(date);
                        String where = container + " " + metric + " window " + date;
                        if (reports == null) {
                            if (value != null && value != 0) {
                                mismatches.add(where + ": " + value + " where no report was acknowledged");
                            }
                        } else if (value == null) {
                            mismatches.add(where + ": missing (a hole), " + reports.size() + " reports acknowledged");
                        } else if (metric.equals("requests")) {
                            compare(mismatches, where, reports.stream().mapToLong(Long::longValue).max().orElseThrow(), value, 0);
                        } else {
                            double mean = reports.stream().mapToLong(InstanceKillScenario::latencyOf).average().orElseThrow();
                            compare(mismatches, where + " (" + reports.size() + " reports)", mean, value, 0.011);
                        }
                    }
                }
            }
        }
        return cap(mismatches);
    }

    /**
     * The 10 s windows as the store keeps them, count, sum and max of every window, from its
     * changelog (read_committed: what a restore would bring back), against the reports found. This
     * sees what a chart's mean cannot: a window whose every report was counted twice.
     */
    private List<String> storedWindowMismatches(Expected expected) {
        String changelog = applicationId + "-" + TEN_SECONDS.storeName() + "-changelog";
        Deserializer<EndpointContainerKey> keys = Serdes.endpointContainerKey().deserializer();
        Deserializer<ContainerSample> samples = Serdes.containerSample().deserializer();
        Map<String, TreeMap<Long, ContainerSample>> stored = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(settings.bootstrapServers(), changelog,
                new ByteArrayDeserializer(), new ByteArrayDeserializer(), TOPIC_READ_TIMEOUT)) {
            byte[] key = record.key();
            // A window store's changelog key: the record key's bytes, the window start, a sequence number.
            if (key == null || key.length <= WINDOWED_KEY_SUFFIX) {
                continue;
            }
            EndpointContainerKey container = keys.deserialize(changelog, Arrays.copyOf(key, key.length - WINDOWED_KEY_SUFFIX));
            if (!container.company().equals(COMPANY)) {
                continue;
            }
            long windowStart = ByteBuffer.wrap(key, key.length - WINDOWED_KEY_SUFFIX, Long.BYTES).getLong();
            TreeMap<Long, ContainerSample> windows = stored.computeIfAbsent(container.containerId(), c -> new TreeMap<>());
            if (record.value() == null) {
                windows.remove(windowStart);
            } else {
                windows.put(windowStart, samples.deserialize(changelog, record.value()));
            }
        }
        for (Map.Entry<String, TreeMap<Long, List<Long>>> container : expected.windows.entrySet()) {
            TreeMap<Long, ContainerSample> windows = stored.getOrDefault(container.getKey(), new TreeMap<>());
            for (Map.Entry<Long, List<Long>> window : container.getValue().entrySet()) {
                String where = container.getKey() + " window " + window.getKey();
                ContainerSample sample = windows.remove(window.getKey());
                MetricAccumulator latency = sample == null ? null : sample.metrics().get(MetricType.LATENCY_MS);
                MetricAccumulator requests = sample == null ? null : sample.metrics().get(MetricType.REQUESTS);
                if (latency == null || requests == null) {
                    mismatches.add(where + ": not stored, " + window.getValue().size() + " reports acknowledged");
                    continue;
                }
                List<Long> numbers = window.getValue();
                compare(mismatches, where + " report count", numbers.size(), latency.count(), 0);
                compare(mismatches, where + " latency sum",
                        numbers.stream().mapToLong(InstanceKillScenario::latencyOf).sum(), latency.sum(), 0);
                compare(mismatches, where + " requests max",
                        numbers.stream().mapToLong(Long::longValue).max().orElseThrow(), requests.max(), 0);
            }
            windows.forEach((start, sample) -> mismatches.add(container.getKey() + " window " + start
                    + ": stored without an acknowledged report: " + sample));
        }
        return cap(mismatches);
    }

    /**
     * Containers the registry expired although they reported after the instant it expired them
     * (a tombstone on {@code container-state} is stamped with that instant). Nothing here
     * unregisters; the containers do expire for real once the load has stopped, which is not counted.
     */
    private List<String> expiredContainers(Expected expected) {
        List<String> expired = new ArrayList<>();
        for (ConsumerRecord<ContainerKey, ContainerEntry> record : TopicReader.readAll(settings.bootstrapServers(),
                Topics.CONTAINER_STATE, Serdes.containerKey().deserializer(), Serdes.containerEntry().deserializer(),
                TOPIC_READ_TIMEOUT)) {
            if (record.key() == null || !record.key().company().equals(COMPANY) || record.value() != null) {
                continue;
            }
            ContainerEvent last = expected.last.get(record.key().containerId());
            if (last != null && record.timestamp() < last.timestampMs()) {
                expired.add(record.key().containerId() + " expired at " + record.timestamp()
                        + ", reported until " + last.timestampMs());
            }
        }
        return cap(expired);
    }

    private static void compare(List<String> mismatches, String what, double expected, double actual, double tolerance) {
        if (Math.abs(expected - actual) > tolerance) {
            mismatches.add(String.format(Locale.ROOT, "%s: %s, expected %s", what, actual, expected));
        }
    }

    private static List<String> cap(List<String> list) {
        return list.size() <= MAX_MISMATCHES ? list : List.copyOf(list.subList(0, MAX_MISMATCHES));
    }

    private List<String> containers() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < settings.containers(); i++) {
            ids.add(String.format(Locale.ROOT, "c%03d", i));
        }
        return ids;
    }

    private static String urlOf(String container) {
        return URLS.get(Integer.parseInt(container.substring(1)) % URLS.size());
    }

    private String registerBody(String container) {
        return String.format(Locale.ROOT, "{\"container_id\": \"%s\", \"endpoint_name\": \"faults\", \"model_name\": \"m\","
                + " \"endpoint_url\": \"%s\", \"timeout\": %d}", container, urlOf(container), settings.containerTimeout().toSeconds());
    }

    /** Round-robin reports at the configured rate until stopped; every answer is recorded. */
    private void sendReports(ServingClient client, List<String> containers) {
        long periodNanos = 1_000_000_000L / settings.reportsPerSecond();
        long next = System.nanoTime();
        Map<String, Long> numbers = new HashMap<>();
        for (int i = 0; loadRunning.get(); i++) {
            String container = containers.get(i % containers.size());
            long n = numbers.merge(container, 1L, Long::sum);
            String body = String.format(Locale.ROOT, "{\"container_id\": \"%s\", \"endpoint_name\": \"faults\","
                            + " \"model_name\": \"m\", \"endpoint_url\": \"%s\", \"uptime_sec\": %d, \"requests_num\": %d,"
                            + " \"requests_min\": %d, \"latency_ms\": %d}",
                    container, urlOf(container), n, n, n, latencyOf(n));
            int status;
            try {
                status = client.post("serving.container_status_report", body).status();
            } catch (RuntimeException e) {
                status = -1;
            }
            writes.add(new Write(container, n, status));
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } else {
                next = System.nanoTime();
            }
        }
    }

    private ServiceProcess startInstance(int port, Path dataDir, Path log) {
        List<String> jvm = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.io.servingmonitor=info", CHANGELOG_READER_LOG);
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", settings.bootstrapServers(),
                "--port", Integer.toString(port),
                "--data-dir", dataDir.toString(),
                "--application-id", applicationId,
                "--credentials", credentials.toString(),
                "--token-secret", TOKEN_SECRET,
                "--session-timeout", settings.sessionTimeout().toSeconds() + "s",
                // Charts of single 10 s windows: every window is checked, not 40 s buckets of them.
                "--min-chart-interval", "10s",
                "--stream-threads", "1",
                "--rocksdb-memory", "32m"));
        args.addAll(settings.instanceArguments());
        try {
            return ServiceProcess.start(Role.STANDALONE, jvm, args, log, settings.startTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting an instance", e);
        }
    }

    /** The records Kafka Streams says it restored into this instance's stores so far; -1 if it said nothing. */
    private static long restoredRecords(ServiceProcess instance) {
        long total = -1;
        for (String line : instance.output()) {
            Matcher m = RESTORED.matcher(line);
            if (m.find()) {
                total = Math.max(total, 0) + Long.parseLong(m.group(1));
            }
        }
        return total;
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void closeQuietly(ServiceProcess process) {
        if (process == null) {
            return;
        }
        try {
            process.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
