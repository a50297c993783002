package io.servingmonitor.processor;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one Kafka Streams instance running a topology: start, state tracking, a
 * stream thread that dies on an unexpected error is replaced (its tasks restart from the last
 * commit, which exactly-once makes safe), and close with a timeout. {@link #streams()} gives the
 * instance to interactive queries.
 */
public final class StreamsRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);
    private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final Object stateChanged = new Object();

    public StreamsRunner(Topology topology, Properties properties) {
        this(topology, properties, (next, previous) -> { });
    }

    /** As {@link #StreamsRunner(Topology, Properties)}, also telling {@code listener} of every state change. */
    public StreamsRunner(Topology topology, Properties properties, KafkaStreams.StateListener listener) {
        this.streams = new KafkaStreams(topology, properties);
        streams.setStateListener((next, previous) -> {
            LOG.info("Kafka Streams state {} -> {}", previous, next);
            listener.onChange(next, previous);
            synchronized (stateChanged) {
                stateChanged.notifyAll();
            }
        });
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("stream thread failed; replacing it", error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    public void start() {
        streams.start();
    }

    /** Whether the instance is processing or rebalancing (started, not shutting down or failed). */
    public boolean isRunning() {
        return streams.state().isRunningOrRebalancing();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The instance, for interactive queries ({@code store}, {@code queryMetadataForKey}, {@code metadataForAllStreamsClients}). */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Waits until the instance is {@link KafkaStreams.State#RUNNING}; false if it did not get there
     * within {@code timeout} or stopped on the way.
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateChanged) {
            while (streams.state() != KafkaStreams.State.RUNNING) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                    return false;
                }
                stateChanged.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Closes the instance, waiting at most {@code timeout}; true if it shut down cleanly in time. */
    public boolean close(Duration timeout) {
        return streams.close(timeout);
    }

    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }
}
