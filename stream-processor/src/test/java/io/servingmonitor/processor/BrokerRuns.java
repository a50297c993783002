package io.servingmonitor.processor;

import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.DeadLetter;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.TopicAdmin;
import io.servingmonitor.topics.TopicSettings;
import io.servingmonitor.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Small helpers for Streams runs on the shared broker: settings, writing input, reading output. */
final class BrokerRuns {

    private BrokerRuns() {
    }

    /** The settings a real run uses (exactly-once, the handlers, bounded RocksDB), one thread. */
    static StreamsSettings settings(KafkaFixture kafka, String applicationId, Path stateDir) {
        return new StreamsSettings(applicationId, kafka.bootstrapServers(), stateDir, "localhost", 7070, 0, 1, 1,
                64L * 1024 * 1024);
    }

    /** A producer of bytes to the test broker that waits for every in-sync replica ({@code acks=all}). */
    static KafkaProducer<byte[], byte[]> producer(KafkaFixture kafka) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Writes the values, with null keys, to partition 0 of {@code topic}, in order. */
    static void write(KafkaFixture kafka, String topic, List<byte[]> values) {
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, 0, null, value));
            }
            producer.flush();
        }
    }

    /**
     * Writes the events to partition 0 of {@link Topics#CONTAINER_EVENTS}, keyed and serialized as
     * the ingest API writes them, each acknowledged before the next is sent.
     */
    static void writeEvents(KafkaFixture kafka, ContainerEvent... events) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            for (ContainerEvent event : events) {
                producer.send(new ProducerRecord<>(Topics.CONTAINER_EVENTS, 0,
                        Serdes.containerKey().serialize(Topics.CONTAINER_EVENTS, event.key()),
                        Serdes.containerEvent().serialize(Topics.CONTAINER_EVENTS, event))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Makes sure the dead-letter topic the settings name exists (the test broker creates no topic by itself). */
    static void ensureDeadLetterTopic(KafkaFixture kafka) {
        TopicAdmin.ensureTopics(kafka.clientConfig(), List.of(Topics.deadLetters(new TopicSettings(1, (short) 1))),
                Duration.ofSeconds(60));
    }

    /**
     * The committed dead letters whose source is {@code sourceTopic}, read until {@code count} of
     * them arrived or {@code patience} passed.
     */
    static List<ConsumerRecord<byte[], byte[]>> deadLetters(KafkaFixture kafka, String sourceTopic, int count,
                                                           Duration patience) {
        return deadLetters(kafka, record -> sourceTopic.equals(header(record, DeadLetter.SOURCE_TOPIC)), count, patience);
    }

    /** The committed dead letters that {@code wanted} accepts, read until {@code count} of them arrived or {@code patience} passed. */
    static List<ConsumerRecord<byte[], byte[]>> deadLetters(KafkaFixture kafka, Predicate<ConsumerRecord<byte[], byte[]>> wanted,
                                                           int count, Duration patience) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader(kafka)) {
            consumer.subscribe(List.of(Topics.CONTAINER_EVENTS_DLQ));
            long deadline = System.nanoTime() + patience.toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(record)) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    /** The value of the header {@code name} as text, null when absent. */
    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<byte[], byte[]> committedReader(KafkaFixture kafka) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.uniqueName("reader"));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The committed values of {@code topic} read until {@code count} arrived or {@code patience} passed. */
    static List<byte[]> readCommitted(KafkaFixture kafka, String topic, int count, Duration patience) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.uniqueName("reader"));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + patience.toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
