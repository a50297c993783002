package io.servingmonitor.embeddedkafka;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.coordinator.group.GroupCoordinatorConfig;
import org.apache.kafka.coordinator.share.ShareCoordinatorConfig;
import org.apache.kafka.coordinator.transaction.TransactionLogConfig;
import org.apache.kafka.metadata.properties.MetaProperties;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.properties.PropertiesUtils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.network.SocketServerConfigs;
import org.apache.kafka.raft.KRaftConfigs;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.config.ReplicationConfigs;
import org.apache.kafka.server.config.ServerConfigs;
import org.apache.kafka.server.config.ServerLogConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache Kafka's own KRaft broker running inside this JVM: a single node that is both broker and
 * controller ({@code process.roles=broker,controller}), listening on 127.0.0.1 only.
 *
 * <p>All data lives under the data directory given to {@link #builder(Path)}. The first start
 * formats it (a fresh cluster id is stored in its {@code meta.properties}); later starts on the
 * same directory reuse it, so topics, records and committed offsets survive a restart, including
 * one after the process was killed. Only one broker at a time may use a data directory (a lock
 * file under it says so). A start takes about 1.5 s on a small machine, a restart after a clean
 * {@link #close()} less; a restart after the process was killed takes about 10 s more, because
 * the controller refuses the new incarnation of the node until the old one's session
 * ({@code broker.session.timeout.ms}, 9 s by default) has expired.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder(Path.of("data/kafka")).port(9092).start()) {
 *     String bootstrap = kafka.bootstrapServers(); // "127.0.0.1:9092"
 * }
 * }</pre>
 *
 * <p>Defaults fit a single node: internal topics (consumer offsets, transaction state, share-group
 * state) have replication factor 1, consumer groups rebalance without initial delay, and topics are
 * never created automatically. {@link Builder#brokerProperty(String, Object)} overrides any broker
 * setting.
 *
 * <p>Several of them form one cluster (each in its own JVM, so that one can be killed): give each
 * its own {@link Builder#nodeId(int) node id}, fixed {@link Builder#port(int) port} and
 * {@link Builder#controllerPort(int) controller port}, the same
 * {@link Builder#controllerQuorumVoters(String) voters} ({@code 1@127.0.0.1:P1,2@127.0.0.1:P2,...}) and
 * the same {@link Builder#clusterId(String) cluster id}; every node is then broker and controller
 * of a quorum that survives the loss of a minority. The caller sets replication defaults fitting
 * the cluster (the single-node defaults above stay unless overridden).
 *
 * <p>Kafka logs through SLF4J; which binding (if any) is on the class path decides how loud the
 * broker is. This module ships no logging configuration.
 *
 * <p>Note that Kafka itself may terminate the JVM ({@code org.apache.kafka.common.utils.Exit}) on
 * a fatal storage or metadata error, as a standalone broker would.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** The node id of a single-node cluster (the default), both broker and controller. */
    public static final int NODE_ID = 1;
    /** The line {@link #main(String[])} prints to stdout once the broker accepts clients. */
    public static final String READY_LINE_PREFIX = "KAFKA_READY ";
    /** The log directory under the data directory. */
    public static final String LOG_DIR_NAME = "kraft-combined-logs";
    /**
     * The file under the data directory locked while a broker runs on it. Kafka itself locks the
     * log directory only after the controller has opened the metadata log, too late to keep a
     * second broker from corrupting it.
     */
    public static final String LOCK_FILE_NAME = ".embedded-kafka.lock";

    /** The address the embedded broker listens on: loopback only. */
    public static final String HOST = "127.0.0.1";
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int BIND_ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final KafkaRaftServer server;
    private final int nodeId;
    private final DataDirLock lock;
    private final Path dataDir;
    private final String clusterId;
    private final int port;
    private final int controllerPort;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, int nodeId, DataDirLock lock, Path dataDir, String clusterId,
            int port, int controllerPort) {
        this.server = server;
        this.nodeId = nodeId;
        this.lock = lock;
        this.dataDir = dataDir;
        this.clusterId = clusterId;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Starts configuring a broker that keeps its data under {@code dataDir} (created if missing). */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Starts a broker with default settings; {@code port} 0 picks a free port. */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        return builder(dataDir).port(port).start();
    }

    /** The bootstrap servers string for clients, {@code "127.0.0.1:PORT"}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The port of the PLAINTEXT listener clients connect to. */
    public int port() {
        return port;
    }

    /** This node's id in the cluster. */
    public int nodeId() {
        return nodeId;
    }

    /** The port of the controller listener (chosen freshly at each start unless set). */
    public int controllerPort() {
        return controllerPort;
    }

    /** The data directory this broker keeps its logs under. */
    public Path dataDir() {
        return dataDir;
    }

    /** The cluster id stored in the data directory. */
    public String clusterId() {
        return clusterId;
    }

    /** Shuts the broker down and waits until it has stopped. Calling it again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            long started = System.nanoTime();
            try {
                server.shutdown();
            } finally {
                try {
                    server.awaitShutdown();
                } finally {
                    lock.release();
                }
            }
            LOG.info("Embedded Kafka broker at {} stopped in {} ms", bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    /**
     * Runs a broker until the JVM is told to stop: {@code --data-dir DIR [--port N] [--node-id N
     * --controller-port N --controller-quorum-voters VOTERS --cluster-id ID] [--exit-on-stdin-eof
     * true] [--property key=value]...}. Prints {@code KAFKA_READY 127.0.0.1:PORT} to stdout once
     * clients can connect, and stops the broker cleanly on SIGTERM or SIGINT. With
     * {@code --exit-on-stdin-eof true} it also stops when its standard input closes, that is when
     * the parent process that started it dies, however it died.
     */
    public static void main(String[] args) throws InterruptedException {
        Path dataDir = null;
        int port = 0;
        Integer nodeId = null;
        Integer controllerPort = null;
        String voters = null;
        String clusterId = null;
        boolean exitOnStdinEof = false;
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) {
                usage("missing value after " + arg);
            }
            String value = args[++i];
            switch (arg) {
                case "--data-dir" -> dataDir = Path.of(value);
                case "--port" -> port = number(arg, value);
                case "--node-id" -> nodeId = number(arg, value);
                case "--controller-port" -> controllerPort = number(arg, value);
                case "--controller-quorum-voters" -> voters = value;
                case "--cluster-id" -> clusterId = value;
                case "--exit-on-stdin-eof" -> exitOnStdinEof = Boolean.parseBoolean(value);
                case "--property" -> {
                    int eq = value.indexOf('=');
                    if (eq < 1) {
                        usage("--property needs key=value, got \"" + value + "\"");
                    }
                    properties.put(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> usage("unknown option " + arg);
            }
        }
        if (dataDir == null) {
            usage("--data-dir is required");
        }
        Builder builder = builder(dataDir).port(port);
        if (nodeId != null) {
            builder.nodeId(nodeId);
        }
        if (controllerPort != null) {
            builder.controllerPort(controllerPort);
        }
        if (voters != null) {
            builder.controllerQuorumVoters(voters);
        }
        if (clusterId != null) {
            builder.clusterId(clusterId);
        }
        properties.forEach(builder::brokerProperty);
        if (exitOnStdinEof) {
            exitOnStdinEof();
        }
        EmbeddedKafkaBroker broker = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } finally {
                stopped.countDown();
            }
        }, "embedded-kafka-shutdown"));
        System.out.println(READY_LINE_PREFIX + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    private static int number(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            usage(flag + " needs a number, got \"" + value + "\"");
            return 0;
        }
    }

    /** A parent killed with SIGKILL cannot stop its children; its end of our stdin closes though. */
    private static void exitOnStdinEof() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; anything it does write is ignored
                }
            } catch (IOException e) {
                // a broken pipe means the same as end of input
            }
            System.exit(0);
        }, "embedded-kafka-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void usage(String problem) {
        System.err.println("embedded-kafka: " + problem);
        System.err.println("usage: EmbeddedKafkaBroker --data-dir DIR [--port N] [--node-id N --controller-port N"
                + " --controller-quorum-voters ID@HOST:PORT,... --cluster-id ID] [--exit-on-stdin-eof true]"
                + " [--property key=value]...");
        System.exit(2);
    }

    /** Settings of a broker to start; {@link #start()} starts it. */
    public static final class Builder {
        private final Path dataDir;
        private int port;
        private int nodeId = NODE_ID;
        private int controllerPort;
        private String controllerQuorumVoters;
        private String clusterId;
        private Duration startupTimeout = Duration.ofSeconds(90);
        private final Map<String, Object> brokerProperties = new LinkedHashMap<>();

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
        }

        /** The PLAINTEXT listener's port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** This node's id (default {@value EmbeddedKafkaBroker#NODE_ID}); unique in a cluster. */
        public Builder nodeId(int nodeId) {
            if (nodeId < 0) {
                throw new IllegalArgumentException("node id must not be negative, got " + nodeId);
            }
            this.nodeId = nodeId;
            return this;
        }

        /** The controller listener's port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            if (controllerPort < 0 || controllerPort > 65535) {
                throw new IllegalArgumentException("controller port must be between 0 and 65535, got " + controllerPort);
            }
            this.controllerPort = controllerPort;
            return this;
        }

        /**
         * The static controller quorum, {@code id@host:port,...}, the same on every node of a
         * cluster; each node's own entry must name its {@link #controllerPort(int)}. Default: this
         * node alone.
         */
        public Builder controllerQuorumVoters(String voters) {
            this.controllerQuorumVoters = Objects.requireNonNull(voters, "voters");
            return this;
        }

        /**
         * The cluster id to format a new data directory with (every node of a cluster needs the
         * same); a formatted directory keeps its own. Default: a random one.
         */
        public Builder clusterId(String clusterId) {
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            return this;
        }

        /** How long {@link #start()} waits for the broker to accept clients (default 90 s). */
        public Builder startupTimeout(Duration startupTimeout) {
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startup timeout must be positive");
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        /** Sets one broker property, overriding this class's default for it. */
        public Builder brokerProperty(String name, Object value) {
            brokerProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Sets several broker properties, overriding this class's defaults for them. */
        public Builder brokerProperties(Map<String, ?> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /**
         * Formats the data directory if it is new, starts the broker and waits until an admin
         * client sees it in the cluster.
         *
         * @throws IllegalStateException if the broker did not start or did not answer within the
         *     startup timeout
         */
        public EmbeddedKafkaBroker start() {
            Path logDir = dataDir.resolve(LOG_DIR_NAME);
            try {
                Files.createDirectories(logDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create Kafka log directory " + logDir, e);
            }
            DataDirLock lock = DataDirLock.acquire(dataDir);
            try {
                return start(logDir, lock);
            } catch (RuntimeException | Error e) {
                lock.release();
                throw e;
            }
        }

        private EmbeddedKafkaBroker start(Path logDir, DataDirLock lock) {
            String clusterId = storedClusterId(logDir)
                    .orElseGet(() -> this.clusterId != null ? this.clusterId : Uuid.randomUuid().toString());
            RuntimeException lastBindFailure = null;
            int attempts = port == 0 ? BIND_ATTEMPTS : 1;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                int brokerPort = port == 0 ? freePort() : port;
                int controllerPort = this.controllerPort != 0 ? this.controllerPort : freePort(brokerPort);
                Map<String, Object> props = brokerConfig(logDir, brokerPort, controllerPort);
                KafkaConfig config = new KafkaConfig(props);
                format(config, logDir, clusterId, nodeId);
                long started = System.nanoTime();
                KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
                try {
                    server.startup();
                } catch (RuntimeException e) {
                    stopQuietly(server);
                    if (port == 0 && isBindFailure(e) && attempt < attempts) {
                        LOG.warn("Port {} or {} was taken meanwhile; retrying with other ports", brokerPort, controllerPort);
                        lastBindFailure = e;
                        continue;
                    }
                    throw new IllegalStateException("Embedded Kafka broker failed to start in " + dataDir + ": " + reason(e), e);
                }
                EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, nodeId, lock, dataDir, clusterId, brokerPort,
                        controllerPort);
                try {
                    awaitClients(broker.bootstrapServers(), started);
                } catch (RuntimeException e) {
                    broker.close(); // releases the lock; releasing it again is harmless
                    throw e;
                }
                LOG.info("Embedded Kafka broker at {} (cluster {}, data {}) ready in {} ms", broker.bootstrapServers(),
                        clusterId, dataDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                return broker;
            }
            throw new IllegalStateException("Embedded Kafka broker could not bind a free port", lastBindFailure);
        }

        private Map<String, Object> brokerConfig(Path logDir, int brokerPort, int controllerPort) {
            Map<String, Object> props = new HashMap<>();
            props.put(KRaftConfigs.PROCESS_ROLES_CONFIG, "broker,controller");
            props.put(KRaftConfigs.NODE_ID_CONFIG, Integer.toString(nodeId));
            props.put(KRaftConfigs.CONTROLLER_LISTENER_NAMES_CONFIG, CONTROLLER_LISTENER);
            // Static voters: the controller endpoint comes from this config at every start, so
            // the controller port may change between restarts on the same data directory.
            props.put(QuorumConfig.QUORUM_VOTERS_CONFIG, controllerQuorumVoters != null
                    ? controllerQuorumVoters : nodeId + "@" + HOST + ":" + controllerPort);
            props.put(SocketServerConfigs.LISTENERS_CONFIG,
                    BROKER_LISTENER + "://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
            props.put(SocketServerConfigs.ADVERTISED_LISTENERS_CONFIG, BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
            props.put(SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_CONFIG,
                    BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            props.put(ReplicationConfigs.INTER_BROKER_LISTENER_NAME_CONFIG, BROKER_LISTENER);
            props.put(ServerLogConfigs.LOG_DIRS_CONFIG, logDir.toString());
            props.put(ServerLogConfigs.AUTO_CREATE_TOPICS_ENABLE_CONFIG, "false");
            props.put(GroupCoordinatorConfig.OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG, "1");
            props.put(GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, "0");
            props.put(TransactionLogConfig.TRANSACTIONS_TOPIC_REPLICATION_FACTOR_CONFIG, "1");
            props.put(TransactionLogConfig.TRANSACTIONS_TOPIC_MIN_ISR_CONFIG, "1");
            props.put(ShareCoordinatorConfig.STATE_TOPIC_REPLICATION_FACTOR_CONFIG, "1");
            props.put(ShareCoordinatorConfig.STATE_TOPIC_MIN_ISR_CONFIG, "1");
            props.put(ServerConfigs.NUM_IO_THREADS_CONFIG, "4");
            props.putAll(brokerProperties);
            return props;
        }

        private void awaitClients(String bootstrapServers, long startedNanos) {
            long deadline = startedNanos + startupTimeout.toNanos();
            Map<String, Object> adminConfig = Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
            Exception last = null;
            try (Admin admin = Admin.create(adminConfig)) {
                while (System.nanoTime() < deadline) {
                    try {
                        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                        var nodes = admin.describeCluster().nodes().get(Math.min(remainingMs, 10_000), TimeUnit.MILLISECONDS);
                        if (nodes.stream().map(Node::id).anyMatch(id -> id == nodeId)) {
                            return;
                        }
                    } catch (ExecutionException | TimeoutException e) {
                        last = e;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for the embedded Kafka broker", e);
                    }
                    sleep(200);
                }
            }
            throw new IllegalStateException("Embedded Kafka broker at " + bootstrapServers + " did not accept clients within "
                    + startupTimeout.toSeconds() + " s", last);
        }
    }

    /** An exclusive lock on the data directory, held by this JVM while its broker runs. */
    private static final class DataDirLock {
        private final FileChannel channel;
        private final FileLock lock;

        private DataDirLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static DataDirLock acquire(Path dataDir) {
            Path file = dataDir.resolve(LOCK_FILE_NAME);
            FileChannel channel = null;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new DataDirLock(channel, lock);
                }
            } catch (OverlappingFileLockException e) {
                // held by a broker in this JVM
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UncheckedIOException("cannot lock " + file, e);
            }
            closeQuietly(channel);
            throw new IllegalStateException("Kafka data directory " + dataDir + " is in use by another embedded Kafka broker");
        }

        synchronized void release() {
            if (channel.isOpen()) {
                try {
                    lock.release();
                } catch (IOException e) {
                    LOG.debug("Could not release the lock on the Kafka data directory", e);
                }
                closeQuietly(channel);
            }
        }

        private static void closeQuietly(FileChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    LOG.debug("Could not close the lock file of the Kafka data directory", e);
                }
            }
        }
    }

    private static Optional<String> storedClusterId(Path logDir) {
        Path metaProperties = logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME);
        if (!Files.isRegularFile(metaProperties)) {
            return Optional.empty();
        }
        try {
            return new MetaProperties.Builder(PropertiesUtils.readPropertiesFile(metaProperties.toString())).clusterId();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metaProperties, e);
        }
    }

    /** Formats the log directory unless it already is (then it keeps its data and cluster id). */
    private static void format(KafkaConfig config, Path logDir, String clusterId, int nodeId) {
        List<String> directories = new ArrayList<>();
        directories.add(logDir.toString());
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(java.io.OutputStream.nullOutputStream()))
                .setNodeId(nodeId)
                .setClusterId(clusterId)
                .setDirectories(directories)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setIgnoreFormatted(true);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    /** The most telling message of a failure chain: Kafka's deepest own message, else the top one. */
    private static String reason(Throwable e) {
        String reason = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KafkaException && t.getMessage() != null) {
                reason = t.getMessage();
            }
        }
        return reason;
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || (t.getMessage() != null && t.getMessage().contains("failed to bind"))) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.debug("Error while stopping a broker that failed to start", e);
        }
    }

    private static int freePort(int... avoid) {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                int candidate = socket.getLocalPort();
                boolean clash = false;
                for (int a : avoid) {
                    clash |= a == candidate;
                }
                if (!clash) {
                    return candidate;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("cannot find a free port on " + HOST);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded Kafka broker", e);
        }
    }
}
