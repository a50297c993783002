package io.servingmonitor.processor;

import io.servingmonitor.topics.TopicSettings;
import io.servingmonitor.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings of a real run of the {@link ServingTopology}.
 *
 * @param applicationId    the Streams application id (consumer group, prefix of internal topics)
 * @param bootstrapServers the Kafka brokers
 * @param stateDir         where this instance keeps its state stores
 * @param advertisedHost   the host under which peers reach this instance's query endpoint
 * @param advertisedPort   its port; together published as {@code application.server} for interactive queries
 * @param standbyReplicas  warm copies of each store on other instances (0 on a single instance)
 * @param replicationFactor replication of the internal topics Streams creates (changelogs,
 *                         repartitions): as for our own topics, 1 on a single broker, 3 on a cluster
 * @param streamThreads    stream threads of this instance (tasks are spread over them)
 * @param rocksDbMemoryBytes the off-heap memory all RocksDB stores of the process share: block
 *                         cache, index and filter blocks and memtables ({@link BoundedRocksDbMemory})
 * @param clientTags       where this instance runs ({@link #ZONE_TAG}, {@link #REGION_TAG}): Kafka
 *                         Streams client tags, all of them rack-aware assignment tags, so that
 *                         standbys go to instances with other values (empty: no rack awareness)
 */
public record StreamsSettings(
        String applicationId,
        String bootstrapServers,
        Path stateDir,
        String advertisedHost,
        int advertisedPort,
        int standbyReplicas,
        int replicationFactor,
        int streamThreads,
        long rocksDbMemoryBytes,
        Map<String, String> clientTags) {

    /** The client tag of an instance's zone ({@code --zone}): {@code client.tag.zone}. */
    public static final String ZONE_TAG = "zone";
    /** The client tag of an instance's region ({@code --region}): {@code client.tag.region}. */
    public static final String REGION_TAG = "region";

    /** The group protocol the service runs with: Kafka Streams' classic one, whose group leader assigns the tasks. */
    public static final String CLASSIC_GROUP_PROTOCOL = "classic";

    public static final String DEFAULT_APPLICATION_ID = "serving-monitor";
    /** 256 MiB of RocksDB memory unless told otherwise. */
    public static final long DEFAULT_ROCKSDB_MEMORY_BYTES = 256L * 1024 * 1024;
    /**
     * Kafka Streams' own record cache (on heap, split between the stream threads): bounded at
     * 32 MiB, whatever the number of threads. Under exactly-once it is flushed at every commit.
     */
    public static final long RECORD_CACHE_BYTES = 32L * 1024 * 1024;
    /**
     * The writes of the transactional state stores not yet committed, all stores together (off
     * heap, RocksDB write batches, beside {@link BoundedRocksDbMemory}'s bound): past it Streams
     * commits early. Exactly-once commits every 100 ms, which stays far below it at any load we
     * measured; the bound is for a burst or a restore.
     */
    public static final long UNCOMMITTED_STORE_BYTES = 16L * 1024 * 1024;

    /**
     * Kafka's consumer default: how long the group waits for a silent instance (killed, frozen,
     * cut off) before its tasks move to the others. The first part of a failover's length.
     */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

    public StreamsSettings {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        if (advertisedPort < 1 || advertisedPort > 65535) {
            throw new IllegalArgumentException("advertised port must be 1..65535, not " + advertisedPort);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, not " + replicationFactor);
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("standby replicas must be at least 0, not " + standbyReplicas);
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("stream threads must be at least 1, not " + streamThreads);
        }
        if (rocksDbMemoryBytes < 1) {
            throw new IllegalArgumentException("RocksDB memory must be positive, not " + rocksDbMemoryBytes);
        }
        clientTags = Collections.unmodifiableMap(new LinkedHashMap<>(clientTags));
    }

    /** Without client tags (no rack-aware assignment). */
    public StreamsSettings(String applicationId, String bootstrapServers, Path stateDir, String advertisedHost,
                           int advertisedPort, int standbyReplicas, int replicationFactor, int streamThreads,
                           long rocksDbMemoryBytes) {
        this(applicationId, bootstrapServers, stateDir, advertisedHost, advertisedPort, standbyReplicas,
                replicationFactor, streamThreads, rocksDbMemoryBytes, Map.of());
    }

    /** These settings with {@code clientTags} instead of their own. */
    public StreamsSettings withClientTags(Map<String, String> clientTags) {
        return new StreamsSettings(applicationId, bootstrapServers, stateDir, advertisedHost, advertisedPort,
                standbyReplicas, replicationFactor, streamThreads, rocksDbMemoryBytes, clientTags);
    }

    /** The client tags of an instance in {@code zone} and {@code region}, either null when not set; zone first. */
    public static Map<String, String> locationTags(String zone, String region) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (zone != null) {
            tags.put(ZONE_TAG, zone);
        }
        if (region != null) {
            tags.put(REGION_TAG, region);
        }
        return tags;
    }

    /** With one stream thread per available core and {@link #DEFAULT_ROCKSDB_MEMORY_BYTES}. */
    public StreamsSettings(String applicationId, String bootstrapServers, Path stateDir, String advertisedHost,
                           int advertisedPort, int standbyReplicas, int replicationFactor) {
        this(applicationId, bootstrapServers, stateDir, advertisedHost, advertisedPort, standbyReplicas,
                replicationFactor, defaultStreamThreads(), DEFAULT_ROCKSDB_MEMORY_BYTES);
    }

    /** One stream thread per core the JVM may use. */
    public static int defaultStreamThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The application server address, {@code host:port}. */
    public String applicationServer() {
        return advertisedHost + ":" + advertisedPort;
    }

    /** As {@link #toProperties(SkippedRecords)}, with counts nobody reads. */
    public Properties toProperties() {
        return toProperties(new SkippedRecords());
    }

    /**
     * The Streams properties; the exception handlers count the records they skip in {@code skipped}.
     */
    public Properties toProperties(SkippedRecords skipped) {
        Objects.requireNonNull(skipped, "skipped");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Registry, endpoint view and windows are read-modify-write state: without exactly-once a
        // crash between a store write and its commit would apply an event twice.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Transactional stores (KIP-892): a store's writes wait in a buffer until their Kafka
        // transaction commits. Reads (read-committed) never see a write that is later rolled back,
        // and a failed task keeps its store and replays only the records since its last commit,
        // where exactly-once with plain stores wipes the store and restores it from the changelog.
        props.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
        props.put(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name());
        props.put(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, UNCOMMITTED_STORE_BYTES);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        // Exactly-once writes to changelogs need min.insync.replicas copies: on a cluster the
        // internal topics must be replicated like ours, not take the broker default.
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
                new TopicSettings(1, (short) replicationFactor).minInSyncReplicas());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        // No record stops the pipeline: one that cannot be read, processed or written is logged,
        // counted and skipped (the thread would otherwise die on it again after every restart);
        // each handler says which failures it does not skip. Not a Kafka setting: the handlers
        // find their counters here (Streams hands these properties to their configure()).
        props.put(SkippedRecords.CONFIG_KEY, skipped);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, CountingDeserializationExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkippingProcessingExceptionHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SkippingProductionExceptionHandler.class);
        // Where the handlers send the records they skip, with the original bytes and the reason.
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.CONTAINER_EVENTS_DLQ);
        // Bounded memory: RocksDB off heap through one shared cache, the record cache on heap.
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        props.put(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, rocksDbMemoryBytes);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, RECORD_CACHE_BYTES);
        // The classic group protocol, pinned: under the streams protocol (KIP-1071) the brokers
        // assign tasks and ignore the standby count, the session timeout and the rack-aware tags
        // set here (see the README, Regions).
        props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, CLASSIC_GROUP_PROTOCOL);
        // Rack awareness (classic group protocol): the group leader places each standby on an
        // instance whose tag values differ from the active's (another zone, another region) where
        // one exists. Every instance of a deployment must carry the same tag keys.
        if (!clientTags.isEmpty()) {
            clientTags.forEach((tag, value) -> props.put(StreamsConfig.clientTagPrefix(tag), value));
            props.put(StreamsConfig.RACK_AWARE_ASSIGNMENT_TAGS_CONFIG, String.join(",", clientTags.keySet()));
        }
        // We have no global stores; opting in now is the 5.0 default and silences a start-up warning.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return props;
    }

    /**
     * As {@link #toProperties(SkippedRecords)}, with the group session timeout of this instance's
     * consumers: a shorter one moves a dead instance's tasks sooner, but an instance silent for
     * longer (a GC pause, a slow machine) loses its tasks and rejoins. The broker bounds it
     * ({@code group.min.session.timeout.ms}, {@code group.max.session.timeout.ms}: 6 s to 30 min by default).
     */
    public Properties toProperties(SkippedRecords skipped, Duration sessionTimeout) {
        Properties props = toProperties(skipped);
        long sessionMs = sessionTimeout.toMillis();
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) sessionMs);
        // Kafka's rule of thumb: heartbeats at most a third of the session apart (3 s by default).
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                (int) Math.min(3_000, sessionMs / 3));
        return props;
    }
}
