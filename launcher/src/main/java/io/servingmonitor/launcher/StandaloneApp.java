package io.servingmonitor.launcher;

import io.servingmonitor.embeddedkafka.EmbeddedKafkaBroker;
import io.servingmonitor.processor.StreamsRunner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;

/**
 * The whole service in one process ({@code serving-monitor standalone}): Kafka (embedded, or the
 * given cluster) and one {@link ServingNode} with both sides, serving every {@code serving.*}
 * action plus {@code /health} and {@code /metrics} on one port. Closing it stops the node, then
 * the broker.
 *
 * <p>Several of them with the same application id split the stores between them; each answers
 * every read, asking the others on {@code /internal/query/*} (signed with the shared token secret)
 * for the partitions it does not hold.
 */
public final class StandaloneApp implements AutoCloseable {

    private final Closer closer = new Closer();
    private ServingNode node;

    private StandaloneApp() {
    }

    /**
     * Starts everything; on any failure what was started is stopped again and the error thrown.
     *
     * @param clock stamps accepted events and is "now" for reads (the system clock, except in tests)
     * @param out   where start-up facts for the user are printed (generated keys, the URL)
     */
    public static StandaloneApp start(LauncherOptions options, Clock clock, PrintStream out) throws Exception {
        if (options.role() != Role.STANDALONE) {
            throw new IllegalArgumentException("not the options of serving-monitor standalone: " + options.role());
        }
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
        StartProgress progress = new StartProgress(options.role());
        Files.createDirectories(options.dataDir());
        // Checked first, so that a taken port is one plain line, not a broker's bind stack trace.
        ServingNode.requireFreePort(options.host(), options.port(), "--port");
        String bootstrapServers;
        if (options.bootstrapServers().isPresent()) {
            bootstrapServers = options.bootstrapServers().get();
        } else {
            ServingNode.requireFreePort(EmbeddedKafkaBroker.HOST, options.kafkaPort(), "--kafka-port (or --bootstrap-servers)");
            EmbeddedKafkaBroker broker = closer.add(EmbeddedKafkaBroker.builder(options.dataDir().resolve("kafka"))
                    .port(options.kafkaPort())
                    .start());
            bootstrapServers = broker.bootstrapServers();
        }
        node = closer.add(ServingNode.start(options, bootstrapServers, clock, out, progress));
    }

    /** The HTTP app (tests look at its routes). */
    io.javalin.Javalin http() {
        return node.http();
    }

    /** The HTTP port actually bound. */
    public int port() {
        return node.port();
    }

    public String bootstrapServers() {
        return node.bootstrapServers();
    }

    /** The Streams instance (tests look at its metadata). */
    StreamsRunner streamsRunner() {
        return node.streamsRunner().orElseThrow();
    }

    /** Waits until the Streams instance is RUNNING (it starts in the background). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return node.awaitRunning(timeout);
    }

    /**
     * Stops HTTP, the read pool, the producer, Streams, the admin client and the metrics (each
     * Kafka client's metrics just before it), and last the broker.
     */
    @Override
    public void close() {
        closer.close();
    }
}
