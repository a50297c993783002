package io.servingmonitor.testkafka;

import io.servingmonitor.embeddedkafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.coordinator.group.GroupCoordinatorConfig;
import org.apache.kafka.coordinator.share.ShareCoordinatorConfig;
import org.apache.kafka.coordinator.transaction.TransactionLogConfig;
import org.apache.kafka.server.config.ReplicationConfigs;
import org.apache.kafka.server.config.ServerLogConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of several KRaft nodes, each an {@link EmbeddedKafkaBroker} in its own child
 * JVM (this JVM's {@code java} and class path), so that a node can be killed with SIGKILL
 * ({@link #kill(int)}) and started again on the same data directory ({@link #restart(int)}), as
 * a real broker crash would be. Every node is broker and controller of a static quorum of all
 * nodes, so a minority of them can be down and the cluster still elects leaders.
 *
 * <p>Defaults fit durability tests on three nodes: new topics and the internal ones (consumer
 * offsets, transaction state) have replication factor 3, the internal ones
 * {@code min.insync.replicas=2}, and an unclean leader election never happens. The brokers'
 * own {@code min.insync.replicas} stays Kafka's default of 1, so a test sees whether the topics
 * it writes to declare 2 themselves, as they must on a cluster whose defaults nobody changed. Ports are fixed at creation, so a restarted node has
 * its old address and clients reconnect to it. Each node logs to {@code node-N.log} in its data
 * directory.
 *
 * <p>Child processes die with this one: {@link #close()} kills them, a shutdown hook does if the
 * JVM exits first, and each child stops by itself when its standard input (a pipe from this JVM)
 * closes, which covers this JVM being killed.
 *
 * <pre>{@code
 * try (KafkaCluster cluster = KafkaCluster.start(dir, 3)) {
 *     int leader = cluster.leaderOf("events", 0);
 *     cluster.kill(leader);
 *     cluster.restart(leader);
 *     cluster.awaitFullIsr(Duration.ofMinutes(2));
 * }
 * }</pre>
 */
public final class KafkaCluster implements AutoCloseable {

    /** Replication of the topics the cluster creates by default, and of its internal topics. */
    public static final int REPLICATION_FACTOR = 3;
    /** Copies a write needs before {@code acks=all} answers it. */
    public static final int MIN_IN_SYNC_REPLICAS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(20);
    private static final String HEAP = "-Xmx384m";

    private final Path dir;
    private final Map<Integer, NodeProcess> nodes = new TreeMap<>();
    private final Map<String, String> brokerProperties;
    private final String voters;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Thread killOnExit = new Thread(this::killAll, "kafka-cluster-kill");
    private Admin admin;
    private boolean closed;

    private KafkaCluster(Path dir, int size, Map<String, String> extraProperties) {
        this.dir = dir.toAbsolutePath();
        Set<Integer> taken = new HashSet<>();
        for (int id = 1; id <= size; id++) {
            nodes.put(id, new NodeProcess(id, freePort(taken), freePort(taken), this.dir.resolve("node-" + id)));
        }
        this.voters = nodes.values().stream()
                .map(n -> n.id + "@" + EmbeddedKafkaBroker.HOST + ":" + n.controllerPort)
                .collect(Collectors.joining(","));
        Map<String, String> props = new LinkedHashMap<>();
        String replication = Integer.toString(Math.min(REPLICATION_FACTOR, size));
        String minIsr = Integer.toString(Math.min(MIN_IN_SYNC_REPLICAS, size));
        props.put(ReplicationConfigs.DEFAULT_REPLICATION_FACTOR_CONFIG, replication);
        props.put(ReplicationConfigs.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false");
        props.put(GroupCoordinatorConfig.OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG, replication);
        props.put(GroupCoordinatorConfig.OFFSETS_TOPIC_PARTITIONS_CONFIG, Integer.toString(SharedBroker.INTERNAL_TOPIC_PARTITIONS));
        props.put(TransactionLogConfig.TRANSACTIONS_TOPIC_REPLICATION_FACTOR_CONFIG, replication);
        props.put(TransactionLogConfig.TRANSACTIONS_TOPIC_MIN_ISR_CONFIG, minIsr);
        props.put(TransactionLogConfig.TRANSACTIONS_TOPIC_PARTITIONS_CONFIG, Integer.toString(SharedBroker.INTERNAL_TOPIC_PARTITIONS));
        props.put(ShareCoordinatorConfig.STATE_TOPIC_REPLICATION_FACTOR_CONFIG, replication);
        props.put(ShareCoordinatorConfig.STATE_TOPIC_MIN_ISR_CONFIG, minIsr);
        props.put(ServerLogConfigs.NUM_PARTITIONS_CONFIG, "1");
        // A killed node is fenced (and loses its leaderships) once its session expires; the
        // default 9 s would make every failover that much longer. 6 s stays clear of false
        // expiries on a loaded 2-core machine.
        props.put("broker.session.timeout.ms", "6000");
        props.put("broker.heartbeat.interval.ms", "1000");
        props.putAll(extraProperties);
        this.brokerProperties = Map.copyOf(props);
    }

    /** Starts {@code size} nodes with their data under {@code dir} and waits until each one serves clients. */
    public static KafkaCluster start(Path dir, int size) {
        return start(dir, size, Map.of());
    }

    /** As {@link #start(Path, int)}, with broker settings that override the defaults. */
    public static KafkaCluster start(Path dir, int size, Map<String, String> brokerProperties) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node");
        }
        KafkaCluster cluster = new KafkaCluster(dir, size, brokerProperties);
        Runtime.getRuntime().addShutdownHook(cluster.killOnExit);
        try {
            long started = System.nanoTime();
            for (NodeProcess node : cluster.nodes.values()) {
                node.launch(cluster.command(node));
            }
            // The nodes wait for each other (a quorum needs a majority), so they start together.
            for (NodeProcess node : cluster.nodes.values()) {
                node.awaitReady(START_TIMEOUT);
            }
            LOG.info("Kafka cluster of {} nodes at {} ready in {} ms", size, cluster.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Every node's address, {@code 127.0.0.1:P1,127.0.0.1:P2,...}; clients find the live ones. */
    public String bootstrapServers() {
        return nodes.values().stream().map(n -> EmbeddedKafkaBroker.HOST + ":" + n.port).collect(Collectors.joining(","));
    }

    /** The node ids, 1 to the size of the cluster. */
    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    /** Whether the node's process is alive. */
    public synchronized boolean isRunning(int nodeId) {
        return node(nodeId).isAlive();
    }

    /** The node's data directory (its log is {@code node-N.log} in it). */
    public Path dataDir(int nodeId) {
        return node(nodeId).dataDir;
    }

    /** SIGKILL to the node's JVM, then waits until it is gone. Nothing is flushed or shut down. */
    public synchronized void kill(int nodeId) {
        node(nodeId).kill();
        LOG.info("Kafka node {} killed", nodeId);
    }

    /** Starts a killed node again on its data directory and ports, and waits until it serves clients. */
    public synchronized void restart(int nodeId) {
        NodeProcess node = node(nodeId);
        if (node.isAlive()) {
            throw new IllegalStateException("Kafka node " + nodeId + " is running");
        }
        long started = System.nanoTime();
        node.launch(command(node));
        node.awaitReady(START_TIMEOUT);
        LOG.info("Kafka node {} restarted in {} ms", nodeId, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Starts several killed nodes again together, and waits until each serves clients; needed
     * when a majority is down, since a node waits for a quorum before it serves.
     */
    public synchronized void restart(Collection<Integer> nodeIds) {
        long started = System.nanoTime();
        for (int nodeId : nodeIds) {
            NodeProcess node = node(nodeId);
            if (node.isAlive()) {
                throw new IllegalStateException("Kafka node " + nodeId + " is running");
            }
            node.launch(command(node));
        }
        for (int nodeId : nodeIds) {
            node(nodeId).awaitReady(START_TIMEOUT);
        }
        LOG.info("Kafka nodes {} restarted in {} ms", nodeIds, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** An admin client of the cluster, owned by it (do not close it). */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()));
        }
        return admin;
    }

    /** The id of the node leading the partition, or -1 when it has no leader. */
    public int leaderOf(String topic, int partition) {
        TopicPartitionInfo info = describe(List.of(topic)).get(topic).partitions().get(partition);
        return info.leader() == null || info.leader().isEmpty() ? -1 : info.leader().id();
    }

    /** How many partitions of {@code topic} each node leads (nodes leading none are absent). */
    public Map<Integer, Integer> leadersOf(String topic) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (TopicPartitionInfo info : describe(List.of(topic)).get(topic).partitions()) {
            if (info.leader() != null && !info.leader().isEmpty()) {
                counts.merge(info.leader().id(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * Waits until every partition of every topic (internal ones included) has a leader and all its
     * replicas in sync, as after a restarted node has caught up.
     *
     * @throws IllegalStateException naming a lagging partition when that does not happen in time
     */
    public void awaitFullIsr(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lagging = "";
        while (System.nanoTime() < deadline) {
            try {
                Set<String> topics = admin().listTopics(new ListTopicsOptions().listInternal(true)).names()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                lagging = firstLagging(describe(topics));
                if (lagging.isEmpty()) {
                    return;
                }
            } catch (RuntimeException | ExecutionException | TimeoutException e) {
                lagging = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for in-sync replicas", e);
            }
            pause(500);
        }
        throw new IllegalStateException("replicas not back in sync within " + timeout.toSeconds() + " s: " + lagging);
    }

    /** Describes the topics (their partitions, leaders, replicas, ISR). */
    public Map<String, TopicDescription> describe(Collection<String> topics) {
        try {
            return admin().describeTopics(topics).allTopicNames().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe " + topics + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot describe " + topics + " in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills every node (SIGKILL: there is nothing to keep) and closes the admin client. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        killAll();
    }

    private void killAll() {
        for (NodeProcess node : nodes.values()) {
            try {
                node.kill();
            } catch (RuntimeException e) {
                LOG.warn("Could not kill Kafka node {}: {}", node.id, e.toString());
            }
        }
    }

    private static String firstLagging(Map<String, TopicDescription> descriptions) {
        for (TopicDescription description : descriptions.values()) {
            for (TopicPartitionInfo p : description.partitions()) {
                if (p.leader() == null || p.leader().isEmpty() || p.isr().size() < p.replicas().size()) {
                    return description.name() + "-" + p.partition() + " leader "
                            + (p.leader() == null ? "none" : p.leader().idString()) + " isr "
                            + p.isr().stream().map(Node::idString).toList() + " of "
                            + p.replicas().stream().map(Node::idString).toList();
                }
            }
        }
        return "";
    }

    private NodeProcess node(int nodeId) {
        NodeProcess node = nodes.get(nodeId);
        if (node == null) {
            throw new IllegalArgumentException("no Kafka node " + nodeId + " in " + nodes.keySet());
        }
        return node;
    }

    private List<String> command(NodeProcess node) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+UseSerialGC",
                // C1 only: a broker under test load needs no peak performance, and the C2 compiler
                // would take most of the CPU of a small machine while three nodes start.
                "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                EmbeddedKafkaBroker.class.getName(),
                "--data-dir", node.dataDir.toString(),
                "--port", Integer.toString(node.port),
                "--node-id", Integer.toString(node.id),
                "--controller-port", Integer.toString(node.controllerPort),
                "--controller-quorum-voters", voters,
                "--cluster-id", clusterId,
                "--exit-on-stdin-eof", "true"));
        brokerProperties.forEach((key, value) -> command.addAll(List.of("--property", key + "=" + value)));
        return command;
    }

    private static int freePort(Set<Integer> taken) {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(EmbeddedKafkaBroker.HOST))) {
                if (taken.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }
        throw new IllegalStateException("cannot find a free port");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** One node: its fixed ports and data directory, and its current process if any. */
    private static final class NodeProcess {
        final int id;
        final int port;
        final int controllerPort;
        final Path dataDir;
        final Path logFile;
        private Process process;
        private long logOffset;

        NodeProcess(int id, int port, int controllerPort, Path dataDir) {
            this.id = id;
            this.port = port;
            this.controllerPort = controllerPort;
            this.dataDir = dataDir;
            this.logFile = dataDir.resolve("node-" + id + ".log");
        }

        synchronized boolean isAlive() {
            return process != null && process.isAlive();
        }

        synchronized void launch(List<String> command) {
            try {
                Files.createDirectories(dataDir);
                logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
                // stdin stays a pipe from this JVM: the child exits when it closes.
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start Kafka node " + id, e);
            }
        }

        void awaitReady(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                Process current;
                synchronized (this) {
                    current = process;
                }
                if (readyLineWritten()) {
                    return;
                }
                if (!current.isAlive()) {
                    throw new IllegalStateException("Kafka node " + id + " exited with " + current.exitValue()
                            + " while starting; see " + logFile);
                }
                pause(100);
            }
            throw new IllegalStateException("Kafka node " + id + " did not start within " + timeout.toSeconds()
                    + " s; see " + logFile);
        }

        private boolean readyLineWritten() {
            try {
                byte[] bytes = Files.readAllBytes(logFile);
                int from = (int) Math.min(logOffset, bytes.length);
                return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8)
                        .contains(EmbeddedKafkaBroker.READY_LINE_PREFIX);
            } catch (IOException e) {
                return false;
            }
        }

        synchronized void kill() {
            if (process == null || !process.isAlive()) {
                return;
            }
            // destroyForcibly() is SIGKILL on Linux: no shutdown hook, no flush, like a crash.
            process.destroyForcibly();
            try {
                if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("Kafka node " + id + " still alive " + KILL_TIMEOUT.toSeconds()
                            + " s after SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while killing Kafka node " + id, e);
            }
        }
    }
}
