package io.servingmonitor.launcher;

import io.javalin.Javalin;
import io.servingmonitor.api.ActionDefinition;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.api.ServingHttp;
import io.servingmonitor.ingest.ContainerDirectory;
import io.servingmonitor.processor.StreamsRunner;
import io.servingmonitor.query.InternalTokens;
import io.servingmonitor.query.PeerClient;
import io.servingmonitor.query.RemoteRegistry;
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
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One node on a running Kafka, serving what its {@link Role} serves on one HTTP port: the topics
 * created or checked, then its {@link ReadSide} (query, standalone), its {@link WriteSide} (ingest,
 * standalone), {@code auth.login}, {@code /health*} for what it serves, and {@code /metrics}. The
 * actions of the other role are answered 404 saying where they are served ({@link ServedElsewhere}).
 * Closing it stops HTTP, then the sides, the admin client and the metrics, in reverse order of start.
 *
 * <p>An ingest node runs no Kafka Streams and writes nothing to disk; it is ready as soon as Kafka
 * answers. In the strict registration modes it asks the {@code --query-nodes} ({@link RemoteRegistry}).
 */
public final class ServingNode implements AutoCloseable {

    private static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PEER_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final Closer closer = new Closer();
    private String bootstrapServers;
    private ReadSide reads;
    private WriteSide writes;
    private Javalin http;

    private ServingNode() {
    }

    /**
     * Starts the node of {@code options.role()} on {@code bootstrapServers}; on any failure what
     * was started is stopped again and the error thrown.
     *
     * @param clock stamps accepted events and is "now" for reads (the system clock, except in tests)
     * @param out   where start-up facts for the user are printed (generated keys, the URL)
     */
    public static ServingNode start(LauncherOptions options, String bootstrapServers, Clock clock, PrintStream out)
            throws Exception {
        return start(options, bootstrapServers, clock, out, new StartProgress(options.role()));
    }

    /** As {@link #start(LauncherOptions, String, Clock, PrintStream)}, telling {@code progress} how the start goes. */
    static ServingNode start(LauncherOptions options, String bootstrapServers, Clock clock, PrintStream out,
                             StartProgress progress) throws Exception {
        ServingNode node = new ServingNode();
        try {
            node.startAll(options, bootstrapServers, clock, out, progress);
            return node;
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
    }

    /** Starts an ingest or query node on the Kafka of {@code --bootstrap-servers}. */
    public static ServingNode start(LauncherOptions options, Clock clock, PrintStream out) throws Exception {
        return start(options, options.bootstrapServers().orElseThrow(
                () -> new IllegalArgumentException("--bootstrap-servers is required")), clock, out);
    }

    private void startAll(LauncherOptions options, String bootstrapServers, Clock clock, PrintStream out,
                          StartProgress progress) throws Exception {
        this.bootstrapServers = bootstrapServers;
        Role role = options.role();
        requireFreePort(options.host(), options.port(), "--port");
        OperationalMetrics metrics = closer.add(new OperationalMetrics());

        Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Its own short-lived client, so that an unreachable cluster is reported by its address.
        TopicAdmin.ensureTopics(adminConfig, Topics.owned(options.topics()), TOPIC_CHECK_TIMEOUT);
        progress.kafkaReachable(bootstrapServers);
        Admin admin = closer.add(Admin.create(adminConfig));

        Path dataDir = options.dataDir();
        if (role.servesReads() || options.credentials().isEmpty() || options.tokenSecret().isEmpty()) {
            Files.createDirectories(dataDir);
        }
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

        // Known before Streams starts: it is this node's address for its peers (application.server).
        int port = options.port() == 0 ? freePort() : options.port();
        List<ActionDefinition> actions = new ArrayList<>();
        if (role.servesReads()) {
            reads = closer.add(ReadSide.start(options, bootstrapServers, port, apiConfig.tokenSecret(), metrics, clock,
                    progress::storesRunning));
            actions.addAll(reads.definitions());
        } else {
            actions.addAll(ServedElsewhere.readsOnAnIngestNode());
        }
        if (role.takesWrites()) {
            writes = closer.add(WriteSide.start(options, bootstrapServers, metrics, clock,
                    registry(options, apiConfig.tokenSecret())));
            actions.addAll(writes.definitions());
        } else {
            actions.addAll(ServedElsewhere.writesOnAQueryNode());
        }

        Health health = new Health(admin, reads == null ? null : reads.streams());
        http = ServingHttp.create(apiConfig, Authenticator.create(credentials, apiConfig, clock), actions,
                javalin -> {
                    javalin.routes.get("/health", health::handle);
                    if (writes != null) {
                        javalin.routes.get("/health/write", health::write);
                    }
                    if (reads != null) {
                        javalin.routes.get("/health/read", health::read);
                    }
                    javalin.routes.get("/health/live", health::live);
                    metrics.install(javalin);
                    if (reads != null) {
                        reads.installRoutes(javalin);
                    }
                }, clock);
        closer.add(http::stop);
        http.start(options.host(), port);
        progress.listening("http://" + options.host() + ":" + http.port(),
                "Kafka " + bootstrapServers + (reads == null ? "" : ", data in " + dataDir.toAbsolutePath()));
    }

    /**
     * Where the strict registration modes ask whether a container is registered: this node's own
     * router when it runs the registry, else the query nodes given (none: the modes are automatic).
     */
    private ContainerDirectory registry(LauncherOptions options, String tokenSecret) {
        if (reads != null) {
            return reads.router()::containerRegistered;
        }
        if (options.queryNodes().isEmpty()) {
            return ContainerDirectory.UNKNOWN;
        }
        RemoteRegistry remote = new RemoteRegistry(options.queryNodes(),
                new PeerClient(new InternalTokens(tokenSecret, Clock.systemUTC()), PEER_CONNECT_TIMEOUT),
                options.writeTimeout());
        return remote::containerRegistered;
    }

    /** The HTTP app (tests look at its routes). */
    Javalin http() {
        return http;
    }

    /** The HTTP port actually bound. */
    public int port() {
        return http.port();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** This node's Kafka Streams, if it runs one (not an ingest node). */
    public Optional<StreamsRunner> streamsRunner() {
        return Optional.ofNullable(reads).map(ReadSide::streams);
    }

    /** Waits until the Streams instance is RUNNING; an ingest node, without one, is at once. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return reads == null || reads.streams().awaitRunning(timeout);
    }

    /** Stops HTTP, the write side, the read side, the admin client and the metrics, in that order. */
    @Override
    public void close() {
        closer.close();
    }

    /** Fails with a message naming {@code flag} when {@code port} (not 0) cannot be bound on {@code host}. */
    static void requireFreePort(String host, int port, String flag) {
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
