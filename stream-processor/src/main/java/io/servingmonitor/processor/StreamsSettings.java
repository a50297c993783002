package io.servingmonitor.processor;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

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
 */
public record StreamsSettings(
        String applicationId,
        String bootstrapServers,
        Path stateDir,
        String advertisedHost,
        int advertisedPort,
        int standbyReplicas,
        int replicationFactor) {

    public static final String DEFAULT_APPLICATION_ID = "serving-monitor";

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
    }

    /** The application server address, {@code host:port}. */
    public String applicationServer() {
        return advertisedHost + ":" + advertisedPort;
    }

    public Properties toProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Registry, endpoint view and windows are read-modify-write state: without exactly-once a
        // crash between a store write and its commit would apply an event twice.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        // Exactly-once writes to changelogs need min.insync.replicas copies: on a cluster the
        // internal topics must be replicated like ours, not take the broker default.
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        // One unreadable event must not stop the registry (the thread would die on it again and again).
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // We have no global stores; opting in now is the 5.0 default and silences a start-up warning.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return props;
    }
}
