package io.servingmonitor.testkafka;

import io.servingmonitor.embeddedkafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.coordinator.group.GroupCoordinatorConfig;
import org.apache.kafka.coordinator.transaction.TransactionLogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** The one broker of this JVM behind {@link KafkaFixture}: started lazily, stopped once. */
final class SharedBroker {

    /** Internal topics get few partitions: creating 50 of them on first group use is slow. */
    static final int INTERNAL_TOPIC_PARTITIONS = 5;
    private static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofSeconds(20);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFixture.class);

    private static Broker current;
    private static Thread shutdownHook;

    private SharedBroker() {
    }

    /** A running broker. */
    interface Broker extends AutoCloseable {
        String bootstrapServers();

        boolean isContainer();

        @Override
        void close();
    }

    static synchronized Broker get() {
        if (current == null) {
            Broker started = start();
            Thread hook = new Thread(started::close, "test-kafka-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            current = started;
            shutdownHook = hook;
        }
        return current;
    }

    static synchronized void stop() {
        if (current == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to; closing twice is harmless
        }
        try {
            current.close();
        } finally {
            current = null;
            shutdownHook = null;
        }
    }

    private static Broker start() {
        String mode = System.getProperty(KafkaFixture.MODE_PROPERTY, System.getenv(KafkaFixture.MODE_ENV));
        mode = mode == null || mode.isBlank() ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
        long started = System.nanoTime();
        Broker broker = switch (mode) {
            case "embedded" -> startEmbedded();
            case "container" -> {
                if (!dockerAvailable()) {
                    throw new IllegalStateException(KafkaFixture.MODE_PROPERTY + "=container, but no Docker engine answered within "
                            + DOCKER_PROBE_TIMEOUT.toSeconds() + " s");
                }
                yield startContainer();
            }
            case "auto" -> dockerAvailable() ? startContainer() : startEmbedded();
            default -> throw new IllegalArgumentException(KafkaFixture.MODE_PROPERTY + " must be auto, embedded or container, got \"" + mode + "\"");
        };
        LOG.info("Test Kafka broker ({}) at {} ready in {} ms", broker.isContainer() ? "container" : "embedded",
                broker.bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return broker;
    }

    /**
     * Asks Testcontainers whether a Docker engine answers, in a daemon thread so a hanging probe
     * cannot hold the tests up for longer than the probe timeout. Any failure means no.
     */
    static boolean dockerAvailable() {
        FutureTask<Boolean> probe = new FutureTask<>(() -> DockerClientFactory.instance().isDockerAvailable());
        Thread thread = new Thread(probe, "test-kafka-docker-probe");
        thread.setDaemon(true);
        thread.start();
        try {
            return probe.get(DOCKER_PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception | LinkageError e) {
            LOG.info("No Docker engine ({}); using the embedded Kafka broker", e.toString());
            probe.cancel(true);
            return false;
        }
    }

    private static Broker startContainer() {
        String image = System.getProperty(KafkaFixture.IMAGE_PROPERTY, KafkaFixture.DEFAULT_IMAGE);
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"))
                // Same behaviour as the embedded broker: topics only exist when created.
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", Integer.toString(INTERNAL_TOPIC_PARTITIONS))
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", Integer.toString(INTERNAL_TOPIC_PARTITIONS))
                .withStartupTimeout(Duration.ofMinutes(3));
        container.start();
        String bootstrapServers = container.getBootstrapServers();
        return new Broker() {
            @Override
            public String bootstrapServers() {
                return bootstrapServers;
            }

            @Override
            public boolean isContainer() {
                return true;
            }

            @Override
            public void close() {
                container.stop();
            }
        };
    }

    private static Broker startEmbedded() {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("test-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the embedded Kafka broker", e);
        }
        EmbeddedKafkaBroker embedded;
        try {
            embedded = EmbeddedKafkaBroker.builder(dataDir)
                    .brokerProperty(GroupCoordinatorConfig.OFFSETS_TOPIC_PARTITIONS_CONFIG, INTERNAL_TOPIC_PARTITIONS)
                    .brokerProperty(TransactionLogConfig.TRANSACTIONS_TOPIC_PARTITIONS_CONFIG, INTERNAL_TOPIC_PARTITIONS)
                    .start();
        } catch (RuntimeException e) {
            deleteQuietly(dataDir);
            throw e;
        }
        return new Broker() {
            @Override
            public String bootstrapServers() {
                return embedded.bootstrapServers();
            }

            @Override
            public boolean isContainer() {
                return false;
            }

            @Override
            public void close() {
                try {
                    embedded.close();
                } finally {
                    deleteQuietly(dataDir);
                }
            }
        };
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not delete {}", dir, e);
        }
    }
}
