package io.servingmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.ModelInfo;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Ingest against a real broker: a call through HTTP ends up as one record on container-events. */
class KafkaEventPublisherIntegrationTest {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Credentials CREDENTIALS = Credentials.of("company-a:key-a:secret-a");
    private static final ApiConfig CONFIG = ApiConfig.builder().build();

    @BeforeAll
    static void createTopic() throws Exception {
        try (Admin admin = kafka.adminClient()) {
            admin.createTopics(List.of(new NewTopic(Topics.CONTAINER_EVENTS, 3, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static Javalin ingestApp(KafkaEventPublisher publisher) {
        return IngestApp.create(CONFIG, Authenticator.create(CREDENTIALS, CONFIG, CLOCK), publisher, CLOCK, javalin -> { })
                .start("127.0.0.1", 0);
    }

    @Test
    void acceptedRegisterIsOnContainerEventsUnderItsContainerKey() {
        String containerId = "it-" + UUID.randomUUID();
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(KafkaEventPublisher.Settings.defaults(kafka.bootstrapServers()))) {
            Javalin app = ingestApp(publisher);
            try {
                IngestClient.Reply reply = new IngestClient(app.port()).call(IngestActions.REGISTER_CONTAINER,
                        "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\", "
                                + "\"endpoint_url\": \"http://serving/ep\", \"timeout\": 60}");
                assertThat(reply.status()).isEqualTo(200);
            } finally {
                app.stop();
            }
        }

        List<ConsumerRecord<ContainerKey, ContainerEvent>> records = recordsOf(containerId, Duration.ofSeconds(30));

        assertThat(records).hasSize(1);
        ConsumerRecord<ContainerKey, ContainerEvent> record = records.get(0);
        assertThat(record.key()).isEqualTo(new ContainerKey("company-a", containerId));
        assertThat(record.timestamp()).isEqualTo(NOW.toEpochMilli());
        assertThat(record.value()).isEqualTo(new ContainerEvent(ContainerEventType.REGISTER, "company-a", containerId,
                NOW.toEpochMilli(), "127.0.0.1", 60,
                new ModelInfo("ep", "http://serving/ep", "m", null, null, null, null, null, null, null, null),
                null));
    }

    @Test
    void unreachableKafkaIsAnswered503WithinTheConfiguredTimeouts() {
        KafkaEventPublisher.Settings settings = KafkaEventPublisher.Settings.defaults("127.0.0.1:1")
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2));
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(settings)) {
            Javalin app = ingestApp(publisher);
            try {
                long started = System.nanoTime();

                IngestClient.Reply reply = new IngestClient(app.port())
                        .call(IngestActions.UNREGISTER_CONTAINER, "{\"container_id\": \"c-1\"}");

                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(reply.status()).isEqualTo(503);
                assertThat(reply.json().get("meta").get("result_code").asInt()).isEqualTo(503);
                assertThat(took).isLessThan(Duration.ofSeconds(10));
            } finally {
                app.stop();
            }
        }
    }

    @Test
    void writesResentWithTheSameIdempotencyKeyGetTheFirstAnswerAndMakeOneEventEach() {
        String containerId = "resent-" + UUID.randomUUID();
        String register = "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\"}";
        String report = "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"ep\", \"model_name\": \"m\", "
                + "\"endpoint_url\": \"/serve/ep\", \"uptime_sec\": 5, \"requests_num\": 10}";
        String unregister = "{\"container_id\": \"" + containerId + "\"}";
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(KafkaEventPublisher.Settings.defaults(kafka.bootstrapServers()))) {
            Javalin app = ingestApp(publisher);
            try {
                IngestClient client = new IngestClient(app.port());
                for (String[] write : List.of(new String[] {IngestActions.REGISTER_CONTAINER, register, "key-register"},
                        new String[] {IngestActions.CONTAINER_STATUS_REPORT, report, "key-report"},
                        new String[] {IngestActions.UNREGISTER_CONTAINER, unregister, "key-unregister"})) {
                    java.net.http.HttpRequest call = client.request("/" + write[0], IngestClient.KEY_A, write[1])
                            .header("Idempotency-Key", write[2]).build();
                    IngestClient.Reply first = client.send(call);
                    // a resend after the first answer, and two at once
                    IngestClient.Reply resend = client.send(call);
                    List<IngestClient.Reply> together = List.of(client.sendAsync(call), client.sendAsync(call)).stream()
                            .map(java.util.concurrent.CompletableFuture::join).toList();

                    assertThat(first.status()).as(write[0]).isEqualTo(200);
                    for (IngestClient.Reply again : List.of(resend, together.get(0), together.get(1))) {
                        assertThat(again.status()).as(write[0]).isEqualTo(first.status());
                        assertThat(again.data()).as(write[0]).isEqualTo(first.data());
                    }
                }
            } finally {
                app.stop();
            }
        }

        List<ConsumerRecord<ContainerKey, ContainerEvent>> records = recordsOf(containerId, Duration.ofSeconds(30));

        assertThat(records).extracting(record -> record.value().type())
                .containsExactly(ContainerEventType.REGISTER, ContainerEventType.STATUS_REPORT, ContainerEventType.UNREGISTER);
    }

    @Test
    void eventOverKafkasRecordLimitIsAnswered413WithAnEnvelopeAndNothingIsStored() {
        String containerId = "too-large-" + UUID.randomUUID();
        // A producer limit far below the report caps stands for an event over the broker's 1 MiB.
        KafkaEventPublisher.Settings settings = new KafkaEventPublisher.Settings(kafka.bootstrapServers(),
                KafkaEventPublisher.Settings.DEFAULT_DELIVERY_TIMEOUT, KafkaEventPublisher.Settings.DEFAULT_MAX_BLOCK,
                KafkaEventPublisher.Settings.DEFAULT_SEND_QUEUE_SIZE, Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2048));
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(settings)) {
            Javalin app = ingestApp(publisher);
            try {
                IngestClient.Reply reply = new IngestClient(app.port()).call(IngestActions.REGISTER_CONTAINER,
                        "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"ep\", \"model_name\": \""
                                + "m".repeat(1000) + "\", \"model_source\": \"" + "s".repeat(1000) + "\", \"model_version\": \""
                                + "v".repeat(1000) + "\"}");

                assertThat(reply.status()).isEqualTo(413);
                assertThat(reply.json().get("meta").get("result_code").asInt()).isEqualTo(413);
                assertThat(reply.message()).contains("record size limit");
                assertThat(reply.json().get("meta").get("error_stack").isNull()).isTrue();
            } finally {
                app.stop();
            }
        }
        assertThat(recordsOf(containerId, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void fullSendQueueIsAnswered503AtOnce() throws Exception {
        // Kafka unreachable: both send threads block in send() for max.block, one event waits in the queue.
        KafkaEventPublisher.Settings settings = new KafkaEventPublisher.Settings("127.0.0.1:1",
                Duration.ofSeconds(3), Duration.ofSeconds(2), 1, Map.of());
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(settings)) {
            List<java.util.concurrent.CompletableFuture<Void>> accepted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                accepted.add(publisher.publish(unregister("queued-" + i)).toCompletableFuture());
            }

            java.util.concurrent.CompletableFuture<Void> refused = publisher.publish(unregister("refused")).toCompletableFuture();

            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::join).hasCauseInstanceOf(ApiException.class)
                    .cause().satisfies(e -> assertThat(((ApiException) e).httpCode()).isEqualTo(503));
            assertThat(accepted).noneMatch(java.util.concurrent.CompletableFuture::isDone);
        }
    }

    private static ContainerEvent unregister(String containerId) {
        return new ContainerEvent(ContainerEventType.UNREGISTER, "company-a", containerId, NOW.toEpochMilli(),
                "127.0.0.1", null, null, null);
    }

    @Test
    void boundProducerMetricsCountTheSentEventsUntilUnbound() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(KafkaEventPublisher.Settings.defaults(kafka.bootstrapServers()))) {
            AutoCloseable binding = publisher.bindMetrics(registry);

            publisher.publish(new ContainerEvent(ContainerEventType.UNREGISTER, "company-a", "metrics-" + UUID.randomUUID(),
                    NOW.toEpochMilli(), "127.0.0.1", null, null, null)).toCompletableFuture().get(30, TimeUnit.SECONDS);

            FunctionCounter sent = registry.find("kafka.producer.record.send.total").functionCounter();
            assertThat(sent).isNotNull();
            assertThat(sent.count()).isEqualTo(1.0);
            binding.close();
            assertThat(registry.find("kafka.producer.record.send.total").meters()).isEmpty();
        }
    }

    /** Every record of {@code containerId} on container-events, read from the beginning until one shows up or time runs out. */
    private static List<ConsumerRecord<ContainerKey, ContainerEvent>> recordsOf(String containerId, Duration timeout) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<ContainerKey, ContainerEvent>> found = new ArrayList<>();
        try (KafkaConsumer<ContainerKey, ContainerEvent> consumer = new KafkaConsumer<>(config,
                Serdes.containerKey().deserializer(), Serdes.containerEvent().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CONTAINER_EVENTS).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (found.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<ContainerKey, ContainerEvent> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key().containerId().equals(containerId)) {
                        found.add(record);
                    }
                }
            }
            // anything else for this container would already be there: the producer sent one event
            consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                if (record.key().containerId().equals(containerId)) {
                    found.add(record);
                }
            });
        }
        return found;
    }
}
