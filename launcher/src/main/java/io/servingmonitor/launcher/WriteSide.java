package io.servingmonitor.launcher;

import io.servingmonitor.api.ActionDefinition;
import io.servingmonitor.ingest.ContainerDirectory;
import io.servingmonitor.ingest.IngestActions;
import io.servingmonitor.ingest.KafkaEventPublisher;
import io.servingmonitor.ingest.RegistrationPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The write half of a node (standalone or ingest): the Kafka producer and the three write
 * actions that publish through it. Needs nothing but Kafka: no Streams, no state on disk.
 * Closing it closes the producer (waiting a moment for sends in flight) and its metrics.
 */
final class WriteSide implements AutoCloseable {

    private static final Duration PUBLISHER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Closer closer = new Closer();
    private IngestActions actions;

    private WriteSide() {
    }

    /**
     * Starts the producer on {@code bootstrapServers}.
     *
     * @param directory where the strict registration modes ask whether a container is registered
     *                  (this node's read side, or the query nodes); unused in the automatic modes
     */
    static WriteSide start(LauncherOptions options, String bootstrapServers, OperationalMetrics metrics, Clock clock,
                           ContainerDirectory directory) {
        WriteSide side = new WriteSide();
        try {
            side.startAll(options, bootstrapServers, metrics, clock, directory);
            return side;
        } catch (RuntimeException | Error e) {
            side.close();
            throw e;
        }
    }

    private void startAll(LauncherOptions options, String bootstrapServers, OperationalMetrics metrics, Clock clock,
                          ContainerDirectory directory) {
        KafkaEventPublisher.Settings settings = KafkaEventPublisher.Settings.defaults(bootstrapServers);
        // A send blocked on metadata never outlasts the write: the answer is due by the write timeout.
        settings = settings.withTimeouts(options.writeTimeout(), min(settings.maxBlock(), options.writeTimeout().dividedBy(2)));
        KafkaEventPublisher publisher = new KafkaEventPublisher(settings);
        closer.add(() -> publisher.close(PUBLISHER_CLOSE_TIMEOUT));
        closer.add(publisher.bindMetrics(metrics.registry()));
        RegistrationPolicy registration = new RegistrationPolicy(options.containerAutoRegister(),
                options.containerAutoUnregister());
        actions = new IngestActions(new CountingEventPublisher(publisher, metrics.registry()), clock, registration,
                directory, options.region().orElse(null));
    }

    /** The write actions, to serve on the node's HTTP port. */
    List<ActionDefinition> definitions() {
        return actions.definitions();
    }

    @Override
    public void close() {
        closer.close();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
