package io.servingmonitor.testkafka;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker for integration tests, one per JVM, shared by every test class that uses
 * this extension.
 *
 * <p>Use it as a static extension field; the broker is up before any {@code @BeforeAll} method
 * runs:
 *
 * <pre>{@code
 * class MyIntegrationTest {
 *     @RegisterExtension
 *     static final KafkaFixture kafka = new KafkaFixture();
 *
 *     @Test
 *     void something() {
 *         String topic = kafka.uniqueName("events");
 *         kafka.createTopics(List.of(new NewTopic(topic, 3, (short) 1)));
 *         ... new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ...))
 *     }
 * }
 * }</pre>
 *
 * <p>Which broker: when a Docker engine answers, a Testcontainers {@code KafkaContainer}
 * ({@value #DEFAULT_IMAGE}, or the image named by system property {@value #IMAGE_PROPERTY});
 * otherwise Apache Kafka's own KRaft broker embedded in this JVM, with its data in a temporary
 * directory. System property {@value #MODE_PROPERTY} (or environment variable
 * {@value #MODE_ENV}) forces the choice: {@code embedded}, {@code container} or {@code auto} (the
 * default).
 *
 * <p>The broker starts lazily, once per JVM, when the first test class using the fixture starts (or
 * when {@link #bootstrapServers()} is first called), and stops when the JUnit run ends (or, at the
 * latest, when the JVM exits). Both brokers are single nodes with automatic topic creation
 * disabled, so tests create their topics, and with topic names from {@link #uniqueName(String)} so
 * test classes never see each other's data.
 */
public final class KafkaFixture implements BeforeAllCallback {

    /** System property choosing the broker: {@code auto}, {@code embedded} or {@code container}. */
    public static final String MODE_PROPERTY = "servingmonitor.test.kafka";
    /** Environment variable read when {@link #MODE_PROPERTY} is not set. */
    public static final String MODE_ENV = "SERVINGMONITOR_TEST_KAFKA";
    /** System property naming the Docker image of the container broker. */
    public static final String IMAGE_PROPERTY = "servingmonitor.test.kafka.image";
    /** The Docker image used when Docker is available and no other image is named. */
    public static final String DEFAULT_IMAGE = "apache/kafka:4.1.0";

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicLong NAME_COUNTER = new AtomicLong();

    /** Creates the fixture; it starts nothing until a test class or a method needs the broker. */
    public KafkaFixture() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        SharedBroker.get();
        // Stop the broker when the whole JUnit run ends: values in the root store that are
        // AutoCloseable are closed then. The JVM shutdown hook remains as a fallback.
        context.getRoot().getStore(ExtensionContext.Namespace.create(KafkaFixture.class))
                .getOrComputeIfAbsent(StopAtEndOfRun.class, k -> new StopAtEndOfRun(), StopAtEndOfRun.class);
    }

    /** The bootstrap servers of the shared broker, such as {@code "127.0.0.1:40123"}; starts it if needed. */
    public String bootstrapServers() {
        return SharedBroker.get().bootstrapServers();
    }

    /** Client settings pointing at the shared broker; add serializers, group id and so on. */
    public Map<String, Object> clientConfig() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /** Whether the broker runs in a Docker container (else it is embedded in this JVM). */
    public boolean isContainer() {
        return SharedBroker.get().isContainer();
    }

    /** A new admin client for the shared broker. The caller closes it. */
    public Admin adminClient() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()));
    }

    /** Creates the topics and waits until the controller has created them (60 s at most). */
    public void createTopics(List<NewTopic> topics) {
        Objects.requireNonNull(topics, "topics");
        try (Admin admin = adminClient()) {
            admin.createTopics(topics).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + names(topics) + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("topics " + names(topics) + " not created within " + ADMIN_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names(topics), e);
        }
    }

    /** Creates the topics and waits until the controller has created them (60 s at most). */
    public void createTopics(NewTopic... topics) {
        createTopics(Arrays.asList(topics));
    }

    /** Creates a topic with replication factor 1 and waits until it exists. */
    public void createTopic(String name, int partitions) {
        createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
    }

    /**
     * A name no other call in this JVM returns and no earlier run is likely to have used, for
     * topics, application ids and group ids: {@code prefix-N-xxxxxxxx} (letters, digits and
     * dashes only, lower case).
     */
    public String uniqueName(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        String random = UUID.randomUUID().toString().substring(0, 8);
        return prefix.toLowerCase(Locale.ROOT) + "-" + NAME_COUNTER.incrementAndGet() + "-" + random;
    }

    private static String names(List<NewTopic> topics) {
        return topics.stream().map(NewTopic::name).toList().toString();
    }

    /** Put in the JUnit root store so the broker stops when the run ends. */
    private static final class StopAtEndOfRun implements AutoCloseable {
        @Override
        public void close() {
            SharedBroker.stop();
        }
    }
}
