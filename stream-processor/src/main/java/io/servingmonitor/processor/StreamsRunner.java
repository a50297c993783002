package io.servingmonitor.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one Kafka Streams instance running a topology: start, state tracking, a
 * stream thread that dies on an unexpected error is replaced (its tasks restart from the last
 * commit, which exactly-once makes safe) as often as the {@link ThreadFailurePolicy} allows, after
 * which the client is shut down (state ERROR, {@link #failure()} says why) rather than looping;
 * and close with a timeout. {@link #streams()} gives the instance to interactive queries.
 */
public final class StreamsRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);
    private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final Path applicationStateDir;
    private final String stateLayout;
    private final Object stateChanged = new Object();
    private final ThreadFailurePolicy failurePolicy;
    private final RestoreProgress restoreProgress = new RestoreProgress();
    /** System.nanoTime() of the replacements still inside the policy's window, oldest first. */
    private final Deque<Long> replacements = new ArrayDeque<>();
    private volatile String failure;

    public StreamsRunner(Topology topology, Properties properties) {
        this(topology, properties, (next, previous) -> { });
    }

    /** As {@link #StreamsRunner(Topology, Properties)}, also telling {@code listener} of every state change. */
    public StreamsRunner(Topology topology, Properties properties, KafkaStreams.StateListener listener) {
        this(topology, properties, listener, ThreadFailurePolicy.defaults());
    }

    /** As {@link #StreamsRunner(Topology, Properties, KafkaStreams.StateListener)}, with this thread-failure policy. */
    public StreamsRunner(Topology topology, Properties properties, KafkaStreams.StateListener listener,
                         ThreadFailurePolicy failurePolicy) {
        this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
        this.streams = new KafkaStreams(topology, properties);
        this.applicationStateDir = applicationStateDir(properties);
        Object layout = properties.get(LocalStateLayout.CONFIG_KEY);
        this.stateLayout = layout == null ? Integer.toString(LocalStateLayout.CURRENT) : layout.toString();
        streams.setStateListener((next, previous) -> {
            LOG.info("Kafka Streams state {} -> {}", previous, next);
            listener.onChange(next, previous);
            synchronized (stateChanged) {
                stateChanged.notifyAll();
            }
        });
        streams.setUncaughtExceptionHandler(this::onThreadFailure);
        streams.setGlobalStateRestoreListener(restoreProgress);
        streams.setStandbyUpdateListener(restoreProgress);
    }

    /** Where Kafka Streams keeps this application's local state: {@code <state.dir>/<application.id>}. */
    private static Path applicationStateDir(Properties properties) {
        Object stateDir = properties.getOrDefault(StreamsConfig.STATE_DIR_CONFIG,
                StreamsConfig.configDef().defaultValues().get(StreamsConfig.STATE_DIR_CONFIG));
        return Path.of(String.valueOf(stateDir), String.valueOf(properties.get(StreamsConfig.APPLICATION_ID_CONFIG)));
    }

    /** What this instance restores: progress lines, and the copies placed here (observe them before {@link #start}). */
    public RestoreProgress restoreProgress() {
        return restoreProgress;
    }

    private synchronized StreamThreadExceptionResponse onThreadFailure(Throwable error) {
        long now = System.nanoTime();
        long window = failurePolicy.window().toNanos();
        while (!replacements.isEmpty() && now - replacements.peekFirst() >= window) {
            replacements.removeFirst();
        }
        if (replacements.size() < failurePolicy.maxReplacements()) {
            replacements.addLast(now);
            LOG.error("stream thread failed; replacing it ({} of at most {} replacements within {})",
                    replacements.size(), failurePolicy.maxReplacements(), failurePolicy.windowText(), error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        // The message names exception classes only: /health shows it without credentials.
        failure = "stream threads kept failing: " + (replacements.size() + 1) + " failures within "
                + failurePolicy.windowText() + " (last: " + rootCause(error).getClass().getName()
                + "); Kafka Streams was shut down";
        LOG.error("{}. Fix the cause and restart the service.", failure, error);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Why the runner shut the client down because its threads kept failing, if it did (the state
     * is then PENDING_ERROR or ERROR); empty while it runs or after a normal close.
     */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Starts the instance, after removing local state written in another store layout
     * ({@link LocalStateLayout}; the properties name the topology's under
     * {@link LocalStateLayout#CONFIG_KEY}): those stores are then rebuilt from their changelogs.
     */
    public void start() {
        LocalStateLayout.prepare(applicationStateDir, stateLayout, streams::cleanUp);
        streams.start();
    }

    /** Whether the instance is processing or rebalancing (started, not shutting down or failed). */
    public boolean isRunning() {
        return streams.state().isRunningOrRebalancing();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * The instance, for interactive queries ({@code store}, {@code queryMetadataForKey},
     * {@code metadataForAllStreamsClients}). Not for setting its listeners or handlers: Kafka
     * Streams keeps one of each, and replacing the restore, standby or uncaught-exception one set
     * here would silently end the restore progress, the lag bound or the failure policy; use
     * {@link #restoreProgress()} instead.
     */
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
