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
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The command line of {@code ./serving-monitor standalone|ingest|query}, parsed and checked once.
 * Every option may also come from an environment variable named after its flag
 * ({@code --write-timeout}: {@code SERVING_MONITOR_WRITE_TIMEOUT}, see {@link #environmentVariable});
 * a flag on the command line wins over its variable. Each role takes only the options that mean
 * something to it ({@link #OPTIONS}): another role's option on the command line is refused naming
 * it, another role's variable in the environment is ignored (one environment may serve every role).
 *
 * @param bootstrapServers an external Kafka; empty means start the embedded broker (standalone only)
 * @param kafkaPort        the embedded broker's port (0: any free port)
 * @param credentials      the key file; empty means a generated one in the data dir (standalone only)
 * @param tokenSecret      the JWT signing secret shared by all nodes; empty means one kept in the data dir
 *                         (standalone only)
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
 * @param role             what this process serves
 * @param queryNodes       query nodes an ingest node asks whether a container is registered (strict
 *                         registration modes); empty elsewhere
 * @param logFormat        how log lines are written: plain text or one JSON object per line
 * @param logLevel         the level of the service's own loggers ({@code io.servingmonitor}); empty: info
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
        List<MetricResolution> rollups,
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
        int fleetMetricsMaxSeries,
        Role role,
        List<HostInfo> queryNodes,
        LogSetup.Format logFormat,
        Optional<org.slf4j.event.Level> logLevel) {

    /** How often the registry looks for expired containers (wall-clock): not an option. */
    static final Duration EXPIRY_SCAN_INTERVAL = Duration.ofSeconds(1);

    /** The topology these options ask for: their resolutions, rollups, metric grace and clock skew. */
    public ProcessorConfig processorConfig() {
        return new ProcessorConfig(resolutions, EXPIRY_SCAN_INTERVAL, metricGrace, maxClockSkew, rollups);
    }

    /** What every option's environment variable starts with. */
    public static final String ENV_PREFIX = "SERVING_MONITOR_";

    /** The environment variable that may carry the token secret instead of a flag (keeps it out of `ps`). */
    public static final String TOKEN_SECRET_ENV = ENV_PREFIX + "TOKEN_SECRET";

    /** The shortest {@code --write-timeout}: the producer needs a request timeout above its linger. */
    static final Duration MIN_WRITE_TIMEOUT = Duration.ofSeconds(2);

    private static final Set<Role> ALL = EnumSet.allOf(Role.class);
    private static final Set<Role> WRITES = EnumSet.of(Role.STANDALONE, Role.INGEST);
    private static final Set<Role> READS = EnumSet.of(Role.STANDALONE, Role.QUERY);

    /**
     * An option: its flag, the value it takes (for the usage), the roles that take it and its help
     * (one line per element).
     */
    public record Option(String flag, String value, Set<Role> roles, List<String> help) {

        /** {@code SERVING_MONITOR_} and the flag without dashes, upper case, {@code -} as {@code _}. */
        public String environmentVariable() {
            return LauncherOptions.environmentVariable(flag);
        }
    }

    /** Every option, in the order of the usage text. A flag parsed below must be listed here. */
    public static final List<Option> OPTIONS = List.of(
            option("--port", "N", ALL, "HTTP port (default 8008)"),
            option("--host", "ADDR", ALL, "address to listen on (default 127.0.0.1)"),
            option("--advertised-host", "NAME", READS, "how peers reach this instance (default: --host; for --host 0.0.0.0",
                    "or :: it is 127.0.0.1 with the embedded broker and must be given with --bootstrap-servers)"),
            option("--data-dir", "DIR", READS, "Kafka Streams state; for standalone also the broker log and generated keys",
                    "(default ./data)"),
            option("--credentials", "FILE", ALL, "key file: lines company_id:access_key:secret_key, # comments (standalone",
                    "default: one key pair for company 'default', generated in the data dir; ingest and query:",
                    "required, the same file on every node)"),
            option("--bootstrap-servers", "H:P", ALL, "the Kafka to use (standalone default: the embedded broker; ingest and",
                    "query: required)"),
            option("--kafka-port", "N", EnumSet.of(Role.STANDALONE), "embedded broker port (default 9092; 0 picks a free one)"),
            option("--application-id", "ID", READS, "Kafka Streams application id, the same on every query node",
                    "(default serving-monitor)"),
            option("--partitions", "N", ALL, "partitions of new topics (default 6)"),
            option("--replication-factor", "N", ALL, "replication factor of new topics (default 1)"),
            option("--standby-replicas", "N", READS, "Kafka Streams standby replicas (default 0)"),
            option("--metric-resolutions", "LIST", READS, "WINDOW:RETENTION,... (default 10s:2d,5m:90d)"),
            option("--metric-rollups", "LIST", READS, "WINDOW:RETENTION,... built from the closed windows of the coarsest",
                    "resolution, for long charts; none for no rollup (default 1h:90d where 1 h is a larger multiple of",
                    "that window, else none)"),
            option("--min-chart-interval", "DUR", READS, "smallest chart interval (default 40s)"),
            option("--body-limit", "BYTES", ALL, "largest request body (default 1048576)"),
            option("--token-secret", "SECRET", ALL, "JWT secret shared by all nodes, 32+ characters (standalone default: one",
                    "kept in the data dir; ingest and query: required)"),
            option("--trusted-proxies", "LIST", ALL, "addresses or CIDR blocks whose X-Forwarded-For / X-Real-IP are believed",
                    "(default 127.0.0.0/8,::1)"),
            option("--container-auto-register", "true|false", WRITES,
                    "a status report of an unknown container registers it (default true;",
                    "false: 400/1051 'container not registered'; ingest needs --query-nodes for it)"),
            option("--container-auto-unregister", "true|false", WRITES,
                    "unregistering an unknown container succeeds (default true; false: 400/1051;",
                    "ingest needs --query-nodes for it)"),
            option("--query-nodes", "H:P,...", EnumSet.of(Role.INGEST),
                    "query nodes (their HTTP host:port) that an ingest node asks whether a container is",
                    "registered, for the strict modes above; the first that answers counts (default none)"),
            option("--stream-threads", "N", READS, "Kafka Streams threads (default: the number of cores)"),
            option("--rocksdb-memory", "SIZE", READS, "off-heap memory of all RocksDB state stores: block cache, index and filter",
                    "blocks, memtables; bytes or with k, m, g (default 256m)"),
            option("--max-clock-skew", "DUR", READS, "an event time farther than this from the broker's append time is replaced",
                    "by the append time (default 10s; 0s: always the append time)"),
            option("--rate-limit", "N/PERIOD", ALL, "calls per access key, e.g. 100/s, 6000/m, 50/10s; more is 429 with Retry-After",
                    "(default off)"),
            option("--idle-timeout", "DUR", ALL, "close a connection silent this long; a body that stops is 408 (default 30s)"),
            option("--min-request-rate", "BYTES", ALL, "slowest accepted request body in bytes/s, else 408 (default 0: off)"),
            option("--read-queue", "N", READS, "store reads waiting for a read thread before reads are 503 (default 1000)"),
            option("--metric-grace", "DUR", READS, "how long a metric window waits for late reports, such as those replayed",
                    "after a failover (default 5m; closed windows reach metric-windows that much later)"),
            option("--session-timeout", "DUR", READS, "how long Kafka waits for a silent instance before moving its work to the",
                    "others, 6s to 30m (default 45s)"),
            option("--write-timeout", "DUR", WRITES, "longest wait of a write for Kafka's acknowledgement, then 503 (default 10s)"),
            option("--region", "NAME", ALL, "this node's region (1-64 of A-Z a-z 0-9 . _ -): stamped on every event it writes,",
                    "shown with each container; a Streams client tag for rack-aware standbys (default none)"),
            option("--zone", "NAME", READS, "this node's zone (1-64 of A-Z a-z 0-9 . _ -): a Streams client tag, so that",
                    "--standby-replicas go to other zones (default none)"),
            option("--max-standby-lag", "N", READS, "a partition whose owner cannot answer (down, restoring, rebalancing) is read",
                    "from a standby copy at most N offsets behind its changelog (default 10000;",
                    "0: never, such reads wait for the owner or answer 503)"),
            option("--fleet-metrics-max-series", "N", READS, "endpoints (company, url) this node exports gauges for in /metrics, the",
                    "largest by instances, then requests; the rest counted (default 1000; 0: none)"),
            option("--log-format", "text|json", ALL, "log lines as plain text or one JSON object each (default text)"),
            option("--log-level", "LEVEL", ALL, "level of the service's own log lines: trace, debug, info, warn, error",
                    "(default info; Kafka's stay at warn)"));

    /** The flag that prints the version and exits, for any role (not an option: it has no variable). */
    public static final String VERSION_FLAG = "--version";

    private static final String VERSION_USAGE = String.format("  %-27s%s", VERSION_FLAG,
            "prints serving-monitor and its version, and exits");

    private static final Map<String, Option> BY_FLAG = OPTIONS.stream()
            .collect(Collectors.toMap(Option::flag, o -> o, (a, b) -> a, LinkedHashMap::new));

    private static final String HASH_SECRET_USAGE = String.join("\n",
            "       serving-monitor hash-secret [--iterations N] < secret",
            "                             prints a salted hash (PBKDF2-HMAC-SHA256) of the secret read from stdin,",
            "                             for the third field of a --credentials line");

    /** The usage of every command: the roles, then every option with the roles that take it. */
    public static final String USAGE = generalUsage();

    /** The environment variable of {@code flag}: {@code --write-timeout} -> {@code SERVING_MONITOR_WRITE_TIMEOUT}. */
    public static String environmentVariable(String flag) {
        return ENV_PREFIX + flag.replaceFirst("^--", "").toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The usage of one role's command: what it runs, and its options only. */
    public static String usage(Role role) {
        List<String> lines = new ArrayList<>();
        lines.add("usage: serving-monitor " + role.command() + " [options]");
        lines.add("  " + role.description());
        lines.add("options (each also from an environment variable: --foo-bar from " + ENV_PREFIX
                + "FOO_BAR; the flag wins):");
        for (Option option : OPTIONS) {
            if (option.roles().contains(role)) {
                lines.addAll(render(option, ""));
            }
        }
        lines.add(VERSION_USAGE);
        return String.join("\n", lines);
    }

    private static String generalUsage() {
        List<String> lines = new ArrayList<>();
        lines.add("usage: serving-monitor standalone|ingest|query [options]   (serving-monitor ROLE --help: its options)");
        for (Role role : Role.values()) {
            lines.add(String.format("  %-11s%s", role.command(), role.description()));
        }
        lines.add("options, with the roles that take them (S standalone, I ingest, Q query); each also from an");
        lines.add("environment variable: --foo-bar from " + ENV_PREFIX + "FOO_BAR (the flag wins):");
        for (Option option : OPTIONS) {
            String roles = (option.roles().contains(Role.STANDALONE) ? "S" : " ")
                    + (option.roles().contains(Role.INGEST) ? "I" : " ")
                    + (option.roles().contains(Role.QUERY) ? "Q" : " ");
            lines.addAll(render(option, roles + " "));
        }
        lines.add(VERSION_USAGE.replaceFirst("  ", "  SIQ "));
        lines.add("");
        lines.add(HASH_SECRET_USAGE);
        return String.join("\n", lines);
    }

    /** Flag and value in a column of 27, help beside it (below it when the flag is longer). */
    private static List<String> render(Option option, String prefix) {
        List<String> lines = new ArrayList<>();
        String flag = option.flag() + " " + option.value();
        String indent = " ".repeat(2 + prefix.length() + 27);
        List<String> help = new ArrayList<>(option.help());
        if (flag.length() > 26) {
            lines.add("  " + prefix + flag);
        } else {
            lines.add("  " + prefix + String.format("%-27s", flag) + help.remove(0));
        }
        help.forEach(line -> lines.add(indent + line));
        return lines;
    }

    private static Option option(String flag, String value, Set<Role> roles, String... help) {
        return new Option(flag, value, Set.copyOf(roles), List.of(help));
    }

    /** A flag and its value, and how a message names where it came from (the flag, or its variable). */
    private record Setting(String flag, String value, String source) {
    }

    /** Parses the arguments after the {@code standalone} command. */
    public static LauncherOptions parse(List<String> args, Map<String, String> env) {
        return parse(Role.STANDALONE, args, env);
    }

    /**
     * Parses the arguments after the command of {@code role}, with the options {@code env} sets
     * that the command line does not.
     *
     * @throws IllegalArgumentException naming the bad flag (or variable) or value
     */
    public static LauncherOptions parse(Role role, List<String> args, Map<String, String> env) {
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
        List<MetricResolution> rollups = null;
        Duration minChart = Duration.ofSeconds(40);
        long bodyLimit = 1024 * 1024;
        String secret = null;
        String secretSource = null;
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
        List<HostInfo> queryNodes = List.of();
        String metricGraceSource = "--metric-grace";
        LogSetup.Format logFormat = LogSetup.Format.TEXT;
        org.slf4j.event.Level logLevel = null;

        for (Setting setting : settings(role, args, env)) {
            // How messages name the value: the flag, or the environment variable it came from.
            String flag = setting.source();
            String value = setting.value();
            switch (setting.flag()) {
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
                case "--metric-rollups" -> rollups = "none".equals(value.trim()) ? List.of() : resolutions(flag, value);
                case "--min-chart-interval" -> minChart = duration(flag, value);
                case "--body-limit" -> bodyLimit = intIn(flag, value, 1024, Integer.MAX_VALUE);
                case "--token-secret" -> {
                    secret = value;
                    secretSource = flag;
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
                case "--metric-grace" -> {
                    metricGrace = duration(flag, value);
                    metricGraceSource = flag;
                }
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
                case "--query-nodes" -> queryNodes = hostsAndPorts(flag, value);
                case "--log-format" -> logFormat = LogSetup.Format.parse(flag, value);
                case "--log-level" -> logLevel = LogSetup.parseLevel(flag, value);
                default -> throw new IllegalStateException("listed in OPTIONS but not parsed: " + setting.flag());
            }
        }
        boolean external = bootstrap != null;
        if (role != Role.STANDALONE) {
            requireGiven(role, bootstrap, "--bootstrap-servers", "it runs against an external Kafka");
            requireGiven(role, credentials, "--credentials", "every node of a deployment must accept the same keys");
            requireGiven(role, secret, "--token-secret", "every node of a deployment must sign and check tokens alike");
        }
        if (advertisedHost == null) {
            if (isWildcard(host) && external && role.servesReads()) {
                // Every instance would tell the group it is 127.0.0.1: each would then believe it owns every
                // partition, and a peer on another machine would ask itself.
                throw new IllegalArgumentException("--host " + host + " listens on every address but tells no peer how to reach"
                        + " this node: give --advertised-host NAME (or " + environmentVariable("--advertised-host")
                        + "), the name or address other nodes reach it by");
            }
            advertisedHost = isWildcard(host) ? "127.0.0.1" : host;
        }
        if (role == Role.INGEST && (!autoRegister || !autoUnregister) && queryNodes.isEmpty()) {
            throw new IllegalArgumentException("ingest: " + (autoRegister ? "--container-auto-unregister" : "--container-auto-register")
                    + " false needs the registry, which the query nodes hold: give --query-nodes HOST:PORT,... (or "
                    + environmentVariable("--query-nodes") + ")");
        }
        if (rollups == null) {
            // Not asked for: the default rollup where it can be built from these resolutions, else none.
            List<MetricResolution> finestFirst = resolutions;
            rollups = ProcessorConfig.defaults().rollups().stream()
                    .filter(rollup -> ProcessorConfig.fitsAsRollup(rollup, finestFirst)).toList();
        }
        for (MetricResolution rollup : rollups) {
            if (!ProcessorConfig.fitsAsRollup(rollup, resolutions)) {
                throw new IllegalArgumentException("--metric-rollups: " + rollup.windowSeconds() + "s is not a larger multiple"
                        + " of the coarsest --metric-resolutions window (" + resolutions.get(resolutions.size() - 1).windowSeconds()
                        + "s)");
            }
        }
        Duration finestRetention = resolutions.get(0).retention();
        if (metricGrace.isNegative() || metricGrace.compareTo(finestRetention) > 0) {
            // A window is kept at least its grace: a longer one would keep the finest windows past their retention.
            throw new IllegalArgumentException(metricGraceSource + " must be between 0s and the finest resolution's retention ("
                    + finestRetention.toSeconds() + "s), not " + metricGrace.toSeconds() + "s");
        }
        if (secret != null && secret.length() < 32) {
            throw new IllegalArgumentException(secretSource + ": the token secret must be at least 32 characters");
        }
        return new LauncherOptions(host, port, advertisedHost, dataDir, Optional.ofNullable(credentials),
                Optional.ofNullable(bootstrap), kafkaPort, applicationId,
                new TopicSettings(partitions, (short) replication), resolutions, rollups, minChart, bodyLimit,
                Optional.ofNullable(secret), standby, trustedProxies, autoRegister, autoUnregister, streamThreads,
                rocksDbMemory, maxClockSkew, rateLimit, idleTimeout, minRequestRate, readQueue, metricGrace,
                sessionTimeout, writeTimeout, Optional.ofNullable(region), Optional.ofNullable(zone), maxStandbyLag, fleetMetricsMaxSeries, role, queryNodes,
                logFormat, Optional.ofNullable(logLevel));
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

    /**
     * The settings of {@code role}: the command line's, then for every option of the role it does
     * not name, its environment variable's (an empty variable counts as unset).
     */
    private static List<Setting> settings(Role role, List<String> args, Map<String, String> env) {
        List<Setting> fromArgs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(usage(role));
            }
            if (!flag.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + flag + "'\n" + usage(role));
            }
            Option option = BY_FLAG.get(flag);
            if (option == null) {
                throw new IllegalArgumentException("unknown option " + flag + "\n" + usage(role));
            }
            if (!option.roles().contains(role)) {
                throw new IllegalArgumentException(flag + " is not an option of serving-monitor " + role.command()
                        + " (only of " + option.roles().stream().sorted().map(Role::command).collect(Collectors.joining(", "))
                        + ")");
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args.get(++i);
            if (value.startsWith("--")) {
                throw new IllegalArgumentException(flag + " needs a value, not the option " + value);
            }
            fromArgs.add(new Setting(flag, value, flag));
        }
        Set<String> given = fromArgs.stream().map(Setting::flag).collect(Collectors.toSet());
        List<Setting> settings = new ArrayList<>();
        for (Option option : OPTIONS) {
            String value = env.get(option.environmentVariable());
            if (option.roles().contains(role) && !given.contains(option.flag()) && value != null && !value.isEmpty()) {
                settings.add(new Setting(option.flag(), value, option.environmentVariable()));
            }
        }
        settings.addAll(fromArgs);
        return settings;
    }

    private static void requireGiven(Role role, Object value, String flag, String why) {
        if (value == null) {
            throw new IllegalArgumentException("serving-monitor " + role.command() + " needs " + flag + " (or "
                    + environmentVariable(flag) + "): " + why);
        }
    }

    /** Whether {@code host} is an address that listens on every interface (IPv4 or IPv6). */
    static boolean isWildcard(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equals("0.0.0.0") || (bare.contains(":") && bare.replace(":", "").replace("0", "").isEmpty());
    }

    private static List<HostInfo> hostsAndPorts(String flag, String value) {
        List<HostInfo> hosts = new ArrayList<>();
        for (String part : value.split(",")) {
            String hostPort = part.trim();
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException(flag + " must list HOST:PORT,..., not '" + value + "'");
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            hosts.add(new HostInfo(host, intIn(flag + " port", hostPort.substring(colon + 1), 1, 65535)));
        }
        return List.copyOf(hosts);
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
            return ProcessorConfig.finestFirst(list);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }
}
