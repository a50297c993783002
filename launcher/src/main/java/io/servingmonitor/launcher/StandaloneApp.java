package io.servingmonitor.launcher;

import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.servingmonitor.api.ActionDefinition;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.api.ServingHttp;
import io.servingmonitor.dashboard.Dashboard;
import io.servingmonitor.embeddedkafka.EmbeddedKafkaBroker;
import io.servingmonitor.ingest.IngestActions;
import io.servingmonitor.ingest.KafkaEventPublisher;
import io.servingmonitor.ingest.RegistrationPolicy;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.ServingTopology;
import io.servingmonitor.processor.SkippedRecords;
import io.servingmonitor.processor.StreamsRunner;
import io.servingmonitor.processor.StreamsSettings;
import io.servingmonitor.query.InternalQueryRoutes;
import io.servingmonitor.query.InternalTokens;
import io.servingmonitor.query.KafkaStreamsLocator;
import io.servingmonitor.query.KafkaStreamsStoreLookup;
import io.servingmonitor.query.LagBoundedStoreLookup;
import io.servingmonitor.query.PeerClient;
import io.servingmonitor.query.QueryActions;
import io.servingmonitor.query.QueryConfig;
import io.servingmonitor.query.QueryRouter;
import io.servingmonitor.query.ServingQueries;
import io.servingmonitor.query.StandbyLagBound;
import io.servingmonitor.query.StoreReads;
import io.servingmonitor.topics.TopicAdmin;
import io.servingmonitor.topics.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service in one process: Kafka (embedded, or the given cluster), the topics, the
 * Streams topology, and one HTTP port serving every {@code serving.*} action plus
 * {@code /health} and {@code /metrics}. Closing it stops everything in reverse order.
 *
 * <p>Several of them with the same application id split the stores between them; each answers
 * every read, asking the others on {@code /internal/query/*} (signed with the shared token secret)
 * for the partitions it does not hold.
 */
public final class StandaloneApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneApp.class);
    private static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STREAMS_CLOSE_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration PUBLISHER_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration EXPIRY_SCAN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration PEER_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final List<AutoCloseable> closeInReverse = new ArrayList<>();
    private String bootstrapServers;
    private StreamsRunner streams;
    private Javalin http;
    private volatile boolean closed;

    private StandaloneApp() {
    }

    /**
     * Starts everything; on any failure what was started is stopped again and the error thrown.
     *
     * @param clock stamps accepted events and is "now" for reads (the system clock, except in tests)
     * @param out   where start-up facts for the user are printed (generated keys, the URL)
     */
    public static StandaloneApp start(LauncherOptions options, Clock clock, PrintStream out) throws Exception {
        StandaloneApp app = new StandaloneApp();
        try {
            app.startAll(options, clock, out);
            return app;
        } catch (Exception | Error e) {
            app.close();
            throw e;
        }
    }

    private void startAll(LauncherOptions options, Clock clock, PrintStream out) throws Exception {
        Path dataDir = options.dataDir();
        Files.createDirectories(dataDir);
        // Checked first, so that a taken port is one plain line, not a broker's bind stack trace.
        requireFreePort(options.host(), options.port(), "--port");
        if (options.bootstrapServers().isEmpty()) {
            requireFreePort(EmbeddedKafkaBroker.HOST, options.kafkaPort(), "--kafka-port (or --bootstrap-servers)");
        }
        OperationalMetrics metrics = new OperationalMetrics();
        closeInReverse.add(metrics);

        if (options.bootstrapServers().isPresent()) {
            bootstrapServers = options.bootstrapServers().get();
        } else {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dataDir.resolve("kafka"))
                    .port(options.kafkaPort())
                    .start();
            closeInReverse.add(broker);
            bootstrapServers = broker.bootstrapServers();
            out.println("Embedded Kafka broker (KRaft) on " + bootstrapServers);
        }

        Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Its own short-lived client, so that an unreachable cluster is reported by its address.
        TopicAdmin.ensureTopics(adminConfig, Topics.owned(options.topics()), TOPIC_CHECK_TIMEOUT);
        Admin admin = Admin.create(adminConfig);
        closeInReverse.add(admin);

        Path credentialsFile = options.credentials().isPresent()
                ? options.credentials().get()
                : GeneratedSecrets.credentials(dataDir, out);
        Credentials credentials = Credentials.load(credentialsFile);
        String tokenSecret = options.tokenSecret().isPresent()
                ? options.tokenSecret().get()
                : GeneratedSecrets.tokenSecret(dataDir);
        ApiConfig apiConfig = ApiConfig.builder()
                .tokenSecret(tokenSecret)
                .bodyLimitBytes(options.bodyLimitBytes())
                .trustedProxies(options.trustedProxies())
                .rateLimit(options.rateLimit())
                .idleTimeout(options.idleTimeout())
                .minRequestDataRate(options.minRequestDataRate())
                .build();

        int port = options.port() == 0 ? freePort() : options.port();
        ProcessorConfig processorConfig = new ProcessorConfig(options.resolutions(), EXPIRY_SCAN_INTERVAL,
                options.metricGrace(), options.maxClockSkew());
        StreamsSettings streamsSettings = new StreamsSettings(options.applicationId(), bootstrapServers,
                dataDir.resolve("streams"), options.advertisedHost(), port, options.standbyReplicas(),
                options.topics().replicationFactor(), options.streamThreads(), options.rocksDbMemoryBytes())
                .withClientTags(StreamsSettings.locationTags(options.zone().orElse(null), options.region().orElse(null)));
        SkippedRecords skipped = new SkippedRecords();
        metrics.bindSkippedRecords(skipped);
        streams = new StreamsRunner(ServingTopology.build(processorConfig), streamsSettings.toProperties(skipped, options.sessionTimeout()));
        // Leave the group on a clean stop: the other instances take over its partitions (and answer
        // their reads) at once, not only when its session times out.
        closeInReverse.add(() -> streams.streams().close(CloseOptions.timeout(STREAMS_CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)));
        closeInReverse.add(metrics.bind(new KafkaStreamsMetrics(streams.streams())));
        streams.start();

        KafkaEventPublisher.Settings publisherSettings = KafkaEventPublisher.Settings.defaults(bootstrapServers);
        // A send blocked on metadata never outlasts the write: the answer is due by the write timeout.
        publisherSettings = publisherSettings.withTimeouts(options.writeTimeout(),
                min(publisherSettings.maxBlock(), options.writeTimeout().dividedBy(2)));
        KafkaEventPublisher publisher = new KafkaEventPublisher(publisherSettings);
        closeInReverse.add(() -> publisher.close(PUBLISHER_CLOSE_TIMEOUT));
        closeInReverse.add(publisher.bindMetrics(metrics.registry()));

        // Bounded: when reads pile up faster than the stores answer, more are refused with 503 at once.
        ExecutorService readExecutor = StoreReads.boundedExecutor(
                Math.max(2, Runtime.getRuntime().availableProcessors()), options.readQueue());
        closeInReverse.add(readExecutor::shutdownNow);
        QueryConfig queryConfig = new QueryConfig(options.minChartInterval(), QueryConfig.defaults().maxWindowsPerQuery(),
                QueryConfig.defaults().maxBuckets(), QueryConfig.defaults().readTimeout());
        // A stale copy answers only if it trails its changelog by at most --max-standby-lag, checked here
        // when this instance holds it (also when a peer asks it for its copy).
        StandbyLagBound lagBound = StandbyLagBound.of(streams.streams(), options.maxStandbyLag());
        ServingQueries queries = new ServingQueries(
                new LagBoundedStoreLookup(new KafkaStreamsStoreLookup(streams.streams()), lagBound),
                processorConfig.resolutions(), queryConfig, clock);
        // Peer tokens live seconds between processes: real time, whatever clock the reads use.
        InternalTokens internalTokens = new InternalTokens(apiConfig.tokenSecret(), Clock.systemUTC());
        QueryRouter router = new QueryRouter(queries, new StoreReads(readExecutor, queryConfig.readTimeout()),
                new KafkaStreamsLocator(streams.streams(), new HostInfo(options.advertisedHost(), port)),
                new PeerClient(internalTokens, PEER_CONNECT_TIMEOUT), lagBound.staleReadsAllowed());
        QueryActions queryActions = new QueryActions(router);
        InternalQueryRoutes internalRoutes = new InternalQueryRoutes(internalTokens, router);

        // The strict registration modes ask the registry, wherever its partition is, through the router.
        RegistrationPolicy registration = new RegistrationPolicy(options.containerAutoRegister(),
                options.containerAutoUnregister());
        IngestActions ingestActions = new IngestActions(new CountingEventPublisher(publisher, metrics.registry()), clock,
                registration, router::containerRegistered, options.region().orElse(null));
        List<ActionDefinition> actions = new ArrayList<>(ingestActions.definitions());
        actions.addAll(queryActions.definitions());
        Health health = new Health(admin, streams);
        http = ServingHttp.create(apiConfig, Authenticator.create(credentials, apiConfig, clock), actions,
                javalin -> {
                    javalin.routes.get("/health", health::handle);
                    javalin.routes.get("/health/write", health::write);
                    javalin.routes.get("/health/read", health::read);
                    javalin.routes.get("/health/live", health::live);
                    metrics.install(javalin);
                    internalRoutes.install(javalin);
                    Dashboard.install(javalin);
                }, clock);
        closeInReverse.add(http::stop);
        http.start(options.host(), port);
        out.println("serving-monitor listening on http://" + options.host() + ":" + http.port()
                + " (Kafka " + bootstrapServers + ", data in " + dataDir.toAbsolutePath() + ")");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The HTTP port actually bound. */
    public int port() {
        return http.port();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The Streams instance (tests look at its metadata). */
    StreamsRunner streamsRunner() {
        return streams;
    }

    /** Waits until the Streams instance is RUNNING (it starts in the background). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return streams.awaitRunning(timeout);
    }

    /**
     * Stops HTTP, the read pool, the producer, Streams, the admin client and the broker, in that
     * order (each Kafka client's metrics just before it), and last the metrics registry.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = closeInReverse.size() - 1; i >= 0; i--) {
            try {
                closeInReverse.get(i).close();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.toString());
            }
        }
    }

    /** Fails with a message naming {@code flag} when {@code port} (not 0) cannot be bound on {@code host}. */
    private static void requireFreePort(String host, int port, String flag) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on " + host + " is not free (" + e.getMessage()
                    + "); another Kafka or serving-monitor may be running: choose another with " + flag);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for HTTP", e);
        }
    }
}
