package io.servingmonitor.launcher;

import static io.servingmonitor.api.OptionValues.intIn;

import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.TrustedProxies;
import io.servingmonitor.ingest.KafkaEventPublisher;
import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.StreamsSettings;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.query.StandbyLagBound;
import io.servingmonitor.topics.TopicSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line of {@code ./serving-monitor standalone}, parsed and checked once.
 *
 * @param bootstrapServers an external Kafka; empty means start the embedded broker
 * @param kafkaPort        the embedded broker's port (0: any free port)
 * @param credentials      the key file; empty means a generated one in the data dir
 * @param tokenSecret      the JWT signing secret shared by all nodes; empty means one kept in the data dir
 * @param containerAutoRegister   ClearML's {@code container_auto_register}: a status report of an unknown
 *                                container registers it (false: 400/1051)
 * @param containerAutoUnregister ClearML's {@code container_auto_unregister}: unregistering an unknown
 *                                container succeeds (false: 400/1051)
 * @param streamThreads    Kafka Streams threads of this instance
 * @param rocksDbMemoryBytes off-heap memory shared by all RocksDB state stores of the process
 * @param maxClockSkew     how far an event's own time may be from the broker's append time before
 *                         the append time replaces it
 * @param rateLimit        calls per access key ({@code ApiConfig.RateLimit.OFF} by default); more is 429
 * @param idleTimeout      how long a connection may send nothing before it is closed
 * @param minRequestDataRate slowest accepted request body, bytes per second (0: no minimum)
 * @param readQueue        store reads that may wait for a read thread; more are answered 503
 * @param metricGrace      how long a metric window waits for late reports (must cover a failover)
 * @param sessionTimeout   how long the group waits for a silent instance before moving its tasks
 * @param writeTimeout     longest wait of a write for Kafka's acknowledgement; then 503
 * @param region           this node's region: stamped on every event it writes, and a Kafka
 *                         Streams client tag for rack-aware standbys; empty when not set
 * @param zone             this node's zone (such as an availability zone): a Kafka Streams client
 *                         tag for rack-aware standbys; empty when not set
 * @param maxStandbyLag    the most offsets behind its changelog a standby (or restoring) copy may be
 *                         to answer a read whose active copy cannot; 0 disables such stale reads
 * @param fleetMetricsMaxSeries the most endpoints this node exports fleet gauges for (the largest);
 *                         0 turns the fleet gauges off
 */
public record LauncherOptions(
        String host,
        int port,
        String advertisedHost,
        Path dataDir,
        Optional<Path> credentials,
        Optional<String> bootstrapServers,
        int kafkaPort,
        String applicationId,
        TopicSettings topics,
        List<MetricResolution> resolutions,
        Duration minChartInterval,
        long bodyLimitBytes,
        Optional<String> tokenSecret,
        int standbyReplicas,
        List<String> trustedProxies,
        boolean containerAutoRegister,
        boolean containerAutoUnregister,
        int streamThreads,
        long rocksDbMemoryBytes,
        Duration maxClockSkew,
        ApiConfig.RateLimit rateLimit,
        Duration idleTimeout,
        long minRequestDataRate,
        int readQueue,
        Duration metricGrace,
        Duration sessionTimeout,
        Duration writeTimeout,
        Optional<String> region,
        Optional<String> zone,
        long maxStandbyLag,
        int fleetMetricsMaxSeries) {

    /** The environment variable that may carry the token secret instead of a flag (keeps it out of `ps`). */
    public static final String TOKEN_SECRET_ENV = "SERVING_MONITOR_TOKEN_SECRET";

    /** The shortest {@code --write-timeout}: the producer needs a request timeout above its linger. */
    static final Duration MIN_WRITE_TIMEOUT = Duration.ofSeconds(2);

    public static final String USAGE = String.join("\n",
            "usage: serving-monitor standalone [options]",
            "  --port N                   HTTP port (default 8008)",
            "  --host ADDR                address to listen on (default 127.0.0.1)",
            "  --advertised-host NAME     how peers reach this instance (default: --host, or 127.0.0.1 for 0.0.0.0)",
            "  --data-dir DIR             broker log, Streams state, generated keys (default ./data)",
            "  --credentials FILE         key file: lines company_id:access_key:secret_key, # comments",
            "                             (default: one key pair for company 'default', generated in the data dir)",
            "  --bootstrap-servers H:P    use this Kafka instead of the embedded broker",
            "  --kafka-port N             embedded broker port (default 9092; 0 picks a free one)",
            "  --application-id ID        Kafka Streams application id (default serving-monitor)",
            "  --partitions N             partitions of new topics (default 6)",
            "  --replication-factor N     replication factor of new topics (default 1)",
            "  --standby-replicas N       Kafka Streams standby replicas (default 0)",
            "  --metric-resolutions LIST  WINDOW:RETENTION,... (default 10s:2d,5m:90d)",
            "  --min-chart-interval DUR   smallest chart interval (default 40s)",
            "  --body-limit BYTES         largest request body (default 1048576)",
            "  --token-secret SECRET      JWT secret shared by all nodes, 32+ characters (or env " + TOKEN_SECRET_ENV + ")",
            "  --trusted-proxies LIST     addresses or CIDR blocks whose X-Forwarded-For / X-Real-IP are believed",
            "                             (default 127.0.0.0/8,::1)",
            "  --container-auto-register true|false",
            "                             a status report of an unknown container registers it (default true;",
            "                             false: 400/1051 'container not registered')",
            "  --container-auto-unregister true|false",
            "                             unregistering an unknown container succeeds (default true; false: 400/1051)",
            "  --stream-threads N         Kafka Streams threads (default: the number of cores)",
            "  --rocksdb-memory SIZE      off-heap memory of all RocksDB state stores: block cache, index and filter",
            "                             blocks, memtables; bytes or with k, m, g (default 256m)",
            "  --max-clock-skew DUR       an event time farther than this from the broker's append time is replaced",
            "                             by the append time (default 10s; 0s: always the append time)",
            "  --rate-limit N/PERIOD      calls per access key, e.g. 100/s, 6000/m, 50/10s; more is 429 with Retry-After",
            "                             (default off)",
            "  --idle-timeout DUR         close a connection silent this long; a body that stops is 408 (default 30s)",
            "  --min-request-rate BYTES   slowest accepted request body in bytes/s, else 408 (default 0: off)",
            "  --read-queue N             store reads waiting for a read thread before reads are 503 (default 1000)",
            "  --metric-grace DUR         how long a metric window waits for late reports, such as those replayed",
            "                             after a failover (default 5m; closed windows reach metric-windows that much later)",
            "  --session-timeout DUR      how long Kafka waits for a silent instance before moving its work to the",
            "                             others, 6s to 30m (default 45s)",
            "  --write-timeout DUR        longest wait of a write for Kafka's acknowledgement, then 503 (default 10s)",
            "  --region NAME              this node's region (1-64 of A-Z a-z 0-9 . _ -): stamped on every event it writes,",
            "                             shown with each container; a Streams client tag for rack-aware standbys (default none)",
            "  --zone NAME                this node's zone (1-64 of A-Z a-z 0-9 . _ -): a Streams client tag, so that",
            "                             --standby-replicas go to other zones (default none)",
            "  --max-standby-lag N        a partition whose owner cannot answer (down, restoring, rebalancing) is read",
            "                             from a standby copy at most N offsets behind its changelog (default 10000;",
            "                             0: never, such reads wait for the owner or answer 503)",
            "  --fleet-metrics-max-series N  endpoints (company, url) this node exports gauges for in /metrics, the",
            "                             largest by instances, then requests; the rest counted (default 1000; 0: none)",
            "",
            "       serving-monitor hash-secret [--iterations N] < secret",
            "                             prints a salted hash (PBKDF2-HMAC-SHA256) of the secret read from stdin,",
            "                             for the third field of a --credentials line");

    /**
     * Parses the arguments after the {@code standalone} command.
     *
     * @throws IllegalArgumentException naming the bad flag or value
     */
    public static LauncherOptions parse(List<String> args, Map<String, String> env) {
        String host = "127.0.0.1";
        int port = 8008;
        String advertisedHost = null;
        Path dataDir = Path.of("data");
        Path credentials = null;
        String bootstrap = null;
        int kafkaPort = 9092;
        String applicationId = "serving-monitor";
        int partitions = TopicSettings.DEFAULT_PARTITIONS;
        int replication = 1;
        int standby = 0;
        List<MetricResolution> resolutions = ProcessorConfig.defaults().resolutions();
        Duration minChart = Duration.ofSeconds(40);
        long bodyLimit = 1024 * 1024;
        String secret = env.get(TOKEN_SECRET_ENV);
        String secretSource = "environment variable " + TOKEN_SECRET_ENV;
        List<String> trustedProxies = ApiConfig.DEFAULT_TRUSTED_PROXIES;
        boolean autoRegister = true;
        boolean autoUnregister = true;
        int streamThreads = StreamsSettings.defaultStreamThreads();
        long rocksDbMemory = StreamsSettings.DEFAULT_ROCKSDB_MEMORY_BYTES;
        Duration maxClockSkew = ProcessorConfig.DEFAULT_MAX_CLOCK_SKEW;
        ApiConfig.RateLimit rateLimit = ApiConfig.RateLimit.OFF;
        Duration idleTimeout = ApiConfig.DEFAULT_IDLE_TIMEOUT;
        long minRequestRate = ApiConfig.DEFAULT_MIN_REQUEST_DATA_RATE;
        int readQueue = DEFAULT_READ_QUEUE;
        Duration metricGrace = ProcessorConfig.DEFAULT_METRIC_GRACE;
        Duration sessionTimeout = StreamsSettings.DEFAULT_SESSION_TIMEOUT;
        Duration writeTimeout = KafkaEventPublisher.Settings.DEFAULT_DELIVERY_TIMEOUT;
        String region = null;
        String zone = null;
        long maxStandbyLag = StandbyLagBound.DEFAULT_MAX_LAG;
        int fleetMetricsMaxSeries = DEFAULT_FLEET_METRICS_MAX_SERIES;

        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (!flag.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + flag + "'\n" + USAGE);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args.get(++i);
            if (value.startsWith("--")) {
                throw new IllegalArgumentException(flag + " needs a value, not the option " + value);
            }
            switch (flag) {
                case "--port" -> port = intIn(flag, value, 0, 65535);
                case "--host" -> host = value;
                case "--advertised-host" -> advertisedHost = value;
                case "--data-dir" -> dataDir = Path.of(value);
                case "--credentials" -> credentials = Path.of(value);
                case "--bootstrap-servers" -> bootstrap = value;
                case "--kafka-port" -> kafkaPort = intIn(flag, value, 0, 65535);
                case "--application-id" -> applicationId = value;
                case "--partitions" -> partitions = intIn(flag, value, 1, 10_000);
                case "--replication-factor" -> replication = intIn(flag, value, 1, 32);
                case "--standby-replicas" -> standby = intIn(flag, value, 0, 32);
                case "--metric-resolutions" -> resolutions = resolutions(flag, value);
                case "--min-chart-interval" -> minChart = duration(flag, value);
                case "--body-limit" -> bodyLimit = intIn(flag, value, 1024, Integer.MAX_VALUE);
                case "--token-secret" -> {
                    secret = value;
                    secretSource = "--token-secret";
                }
                case "--trusted-proxies" -> trustedProxies = proxies(flag, value);
                case "--container-auto-register" -> autoRegister = bool(flag, value);
                case "--container-auto-unregister" -> autoUnregister = bool(flag, value);
                case "--stream-threads" -> streamThreads = intIn(flag, value, 1, 256);
                case "--rocksdb-memory" -> rocksDbMemory = bytes(flag, value, MIN_ROCKSDB_MEMORY);
                case "--max-clock-skew" -> maxClockSkew = durationAtMost(flag, value, MAX_CLOCK_SKEW);
                case "--rate-limit" -> rateLimit = rateLimit(flag, value);
                case "--idle-timeout" -> idleTimeout = positive(flag, duration(flag, value));
                case "--min-request-rate" -> minRequestRate = intIn(flag, value, 0, Integer.MAX_VALUE);
                case "--read-queue" -> readQueue = intIn(flag, value, 1, 1_000_000);
                case "--metric-grace" -> metricGrace = duration(flag, value);
                case "--session-timeout" -> sessionTimeout = durationIn(flag, value, MIN_SESSION_TIMEOUT, MAX_SESSION_TIMEOUT);
                case "--write-timeout" -> {
                    writeTimeout = duration(flag, value);
                    if (writeTimeout.compareTo(MIN_WRITE_TIMEOUT) < 0) {
                        throw new IllegalArgumentException(flag + " must be at least " + MIN_WRITE_TIMEOUT.toSeconds()
                                + "s, not " + value);
                    }
                }
                case "--region" -> region = shortName(flag, value);
                case "--zone" -> zone = shortName(flag, value);
                case "--max-standby-lag" -> maxStandbyLag = intIn(flag, value, 0, Integer.MAX_VALUE);
                case "--fleet-metrics-max-series" -> fleetMetricsMaxSeries = intIn(flag, value, 0, 1_000_000);
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            }
        }
        if (advertisedHost == null) {
            advertisedHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        }
        Duration finestRetention = resolutions.get(0).retention();
        if (metricGrace.isNegative() || metricGrace.compareTo(finestRetention) > 0) {
            // A window is kept at least its grace: a longer one would keep the finest windows past their retention.
            throw new IllegalArgumentException("--metric-grace must be between 0s and the finest resolution's retention ("
                    + finestRetention.toSeconds() + "s), not " + metricGrace.toSeconds() + "s");
        }
        if (secret != null && secret.length() < 32) {
            throw new IllegalArgumentException(secretSource + ": the token secret must be at least 32 characters");
        }
        return new LauncherOptions(host, port, advertisedHost, dataDir, Optional.ofNullable(credentials),
                Optional.ofNullable(bootstrap), kafkaPort, applicationId,
                new TopicSettings(partitions, (short) replication), resolutions, minChart, bodyLimit,
                Optional.ofNullable(secret), standby, trustedProxies, autoRegister, autoUnregister, streamThreads,
                rocksDbMemory, maxClockSkew, rateLimit, idleTimeout, minRequestRate, readQueue, metricGrace,
                sessionTimeout, writeTimeout, Optional.ofNullable(region), Optional.ofNullable(zone), maxStandbyLag,
                fleetMetricsMaxSeries);
    }

    /** Endpoints with fleet gauges per node by default: a dashboard's worth, small next to a scrape's other series. */
    static final int DEFAULT_FLEET_METRICS_MAX_SERIES = 1000;

    /** A region or zone name: what {@link ContainerEvent#REGION_NAME} allows (and a client tag value can hold). */
    private static String shortName(String flag, String value) {
        if (!ContainerEvent.REGION_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(flag + " must be a short name of 1 to 64 letters, digits, '.', '_' or '-'"
                    + " (such as eu-west-1), not '" + value + "'");
        }
        return value;
    }

    /** Beyond a day a skewed clock is trusted for longer than any window or timeout it could harm. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofDays(1);

    private static Duration durationAtMost(String flag, String value, Duration max) {
        Duration duration = duration(flag, value);
        if (duration.isNegative() || duration.compareTo(max) > 0) {
            throw new IllegalArgumentException(flag + " must be between 0s and " + max.toHours() + "h, not " + value);
        }
        return duration;
    }

    /** Reads waiting for a read thread by default: ample for bursts, small next to the heap. */
    static final int DEFAULT_READ_QUEUE = 1000;

    private static ApiConfig.RateLimit rateLimit(String flag, String value) {
        try {
            return ApiConfig.RateLimit.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    private static Duration positive(String flag, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(flag + " must be more than 0, not " + value.toSeconds() + "s");
        }
        return value;
    }

    /** The broker's default bounds of a group session ({@code group.min/max.session.timeout.ms}). */
    static final Duration MIN_SESSION_TIMEOUT = Duration.ofSeconds(6);
    static final Duration MAX_SESSION_TIMEOUT = Duration.ofMinutes(30);

    /** Below this RocksDB would flush memtables of a few kilobytes and cache next to nothing. */
    static final long MIN_ROCKSDB_MEMORY = 16L * 1024 * 1024;

    /** A byte count: digits, optionally followed by k, m or g (binary: 1k = 1024). */
    private static long bytes(String flag, String value, long min) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,15})([kKmMgG]?)").matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + " must be a number of bytes, optionally with k, m or g (such as 256m), not '"
                    + value + "'");
        }
        int shift = switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException(flag + " is too large: " + value);
        }
        long result = n << shift;
        if (result < min) {
            throw new IllegalArgumentException(flag + " must be at least " + (min >> 20) + "m, not " + value);
        }
        return result;
    }

    private static boolean bool(String flag, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(flag + " must be true or false, not '" + value + "'");
        };
    }

    private static List<String> proxies(String flag, String value) {
        List<String> list = java.util.Arrays.stream(value.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        try {
            TrustedProxies.parse(list);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
        return list;
    }

    private static Duration duration(String flag, String value) {
        try {
            return MetricResolution.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    private static Duration durationIn(String flag, String value, Duration min, Duration max) {
        Duration d = duration(flag, value);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(flag + " must be between " + min.toSeconds() + "s and "
                    + max.toMinutes() + "m, not " + value);
        }
        return d;
    }

    private static List<MetricResolution> resolutions(String flag, String value) {
        List<MetricResolution> list = new ArrayList<>();
        try {
            for (String part : value.split(",")) {
                list.add(MetricResolution.parse(part));
            }
            return new ProcessorConfig(list, Duration.ofSeconds(1), Duration.ofSeconds(30)).resolutions();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }
}
