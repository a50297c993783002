package io.servingmonitor.processor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.processor.registry.ContainerRegistry;
import io.servingmonitor.processor.registry.RegistryEntry;
import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.DeadLetter;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MetricType;
import io.servingmonitor.topics.ModelInfo;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.TopicAdmin;
import io.servingmonitor.topics.TopicSettings;
import io.servingmonitor.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link ServingTopology} with the settings of a real run (exactly-once, transactional stores
 * read committed, the handlers and the dead letters, bounded RocksDB) on a real broker, on the
 * topics as {@link TopicAdmin} makes them: poison records written straight to
 * {@code container-events} go to the dead letters and do not stop the pipeline, and an event
 * stamped by a clock hours ahead takes the broker's append time.
 */
class ServingTopologyOnBrokerTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String URL = "/serve/sentiment";

    @TempDir
    Path stateDir;

    @BeforeAll
    static void topics() {
        TopicAdmin.ensureTopics(KAFKA.clientConfig(), Topics.owned(new TopicSettings(1, (short) 1)), PATIENCE);
    }

    @Test
    void poisonRecordsGoToTheDeadLettersWithReasonBytesAndOriginalHeadersAndTheReportAfterThemIsProcessed() throws Exception {
        String company = KAFKA.uniqueName("poison-co");
        ContainerKey c1 = new ContainerKey(company, "c1");
        long now = System.currentTimeMillis();
        byte[] key = Serdes.containerKey().serialize(Topics.CONTAINER_EVENTS, c1);
        Map<DeadLetter.Reason, List<Raw>> poison = new LinkedHashMap<>();
        poison.put(DeadLetter.Reason.NOT_JSON, List.of(pair(key, "this is not JSON {".getBytes(UTF_8))));
        poison.put(DeadLetter.Reason.WRONG_SHAPE, List.of(
                pair(key, "{\"hello\": \"world\"}".getBytes(UTF_8)),
                // Valid JSON of a ContainerEvent, but a register without the model it needs.
                pair(key, event(new ContainerEvent(ContainerEventType.REGISTER, company, "c1", now, "10.0.0.1", 60, null, null)))));
        poison.put(DeadLetter.Reason.BAD_KEY, List.of(
                pair("plain-text-key".getBytes(UTF_8), event(register(company, "c1", now))),
                pair(null, event(register(company, "c1", now)))));
        poison.put(DeadLetter.Reason.KEY_MISMATCH, List.of(
                pair(Serdes.containerKey().serialize(Topics.CONTAINER_EVENTS, new ContainerKey(company, "someone-else")),
                        event(register(company, "c1", now)))));
        byte[] tooLarge = ("{\"type\": \"REGISTER\", \"padding\": \"" + "x".repeat(ContainerEvent.MAX_SERIALIZED_BYTES) + "\"}")
                .getBytes(UTF_8);
        poison.put(DeadLetter.Reason.TOO_LARGE, List.of(pair(key, tooLarge)));

        Map<Long, DeadLetter.Reason> reasonByOffset = new HashMap<>();
        Map<Long, Raw> bytesByOffset = new HashMap<>();
        Map<Long, String> traceByOffset = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (Map.Entry<DeadLetter.Reason, List<Raw>> kind : poison.entrySet()) {
                for (Raw record : kind.getValue()) {
                    // Headers of the producer's own, and one named like a dead letter's (not copied).
                    ProducerRecord<byte[], byte[]> sent = new ProducerRecord<>(Topics.CONTAINER_EVENTS, 0, record.key(), record.value());
                    sent.headers().add("trace-id", ("trace-" + bytesByOffset.size()).getBytes(UTF_8))
                            .add("origin", "poison-test".getBytes(UTF_8))
                            .add(DeadLetter.REASON, "forged".getBytes(UTF_8));
                    long offset = producer.send(sent).get(30, TimeUnit.SECONDS).offset();
                    traceByOffset.put(offset, "trace-" + bytesByOffset.size());
                    reasonByOffset.put(offset, kind.getKey());
                    bytesByOffset.put(offset, record);
                }
            }
            producer.send(new ProducerRecord<>(Topics.CONTAINER_EVENTS, 0, key, event(register(company, "c1", now))));
            producer.send(new ProducerRecord<>(Topics.CONTAINER_EVENTS, 0, key, event(report(company, "c1", now + 1, 42))));
            producer.flush();
        }
        SkippedRecords skipped = new SkippedRecords();

        try (StreamsRunner runner = start("poison", skipped)) {
            // Once the report after them is in the registry, the poison before it was handled.
            RegistryEntry entry = eventually(() -> registry(runner).get(c1));
            List<ConsumerRecord<byte[], byte[]>> letters = deadLetters(offsets(reasonByOffset));

            assertThat(letters).hasSize(reasonByOffset.size());
            for (ConsumerRecord<byte[], byte[]> letter : letters) {
                long offset = Long.parseLong(header(letter, DeadLetter.SOURCE_OFFSET));
                DeadLetter.Reason expected = reasonByOffset.get(offset);
                assertThat(header(letter, DeadLetter.REASON)).as("reason of offset " + offset).isEqualTo(expected.label());
                assertThat(header(letter, DeadLetter.SOURCE_TOPIC)).isEqualTo(Topics.CONTAINER_EVENTS);
                assertThat(header(letter, DeadLetter.SOURCE_PARTITION)).isEqualTo("0");
                assertThat(header(letter, DeadLetter.EXCEPTION)).isNotBlank();
                assertThat(letter.key()).as("key of offset " + offset).isEqualTo(bytesByOffset.get(offset).key());
                assertThat(letter.value()).as("value of offset " + offset).isEqualTo(bytesByOffset.get(offset).value());
                assertThat(letter.headers().toArray()[0].key()).as("original headers first, offset " + offset).isEqualTo("trace-id");
                assertThat(header(letter, "trace-id")).as("original header of offset " + offset).isEqualTo(traceByOffset.get(offset));
                assertThat(header(letter, "origin")).isEqualTo("poison-test");
                assertThat(letter.headers().headers(DeadLetter.REASON)).as("one reason, ours").hasSize(1);
            }
            assertThat(entry.url()).as("the report after the poison is in the registry").isEqualTo(URL);
            assertThat(eventually(() -> requestsInWindow(runner, company, now + 1)))
                    .as("and counted in its metric window").isEqualTo(42.0);
            assertThat(skipped.count(SkippedRecords.Reason.NOT_JSON)).isEqualTo(1);
            assertThat(skipped.count(SkippedRecords.Reason.WRONG_SHAPE)).isEqualTo(2);
            assertThat(skipped.count(SkippedRecords.Reason.BAD_KEY)).isEqualTo(2);
            assertThat(skipped.count(SkippedRecords.Reason.KEY_MISMATCH)).isEqualTo(1);
            assertThat(skipped.count(SkippedRecords.Reason.TOO_LARGE)).isEqualTo(1);
            assertThat(runner.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(runner.failure()).isEmpty();
        }
    }

    @Test
    void eventStampedHoursAheadTakesTheBrokersAppendTimeAndTheNextReportStillCounts() throws Exception {
        String company = KAFKA.uniqueName("skew-co");
        ContainerKey c1 = new ContainerKey(company, "c1");
        long before = System.currentTimeMillis();
        long hoursAhead = before + Duration.ofHours(5).toMillis();
        byte[] key = Serdes.containerKey().serialize(Topics.CONTAINER_EVENTS, c1);
        long after;
        long reportedAt;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            // The producer stamps the record itself too; the topic takes the broker's time instead.
            producer.send(new ProducerRecord<>(Topics.CONTAINER_EVENTS, 0, hoursAhead, key,
                    event(register(company, "c1", hoursAhead)))).get(30, TimeUnit.SECONDS);
            after = System.currentTimeMillis();
            reportedAt = after + 1;
            producer.send(new ProducerRecord<>(Topics.CONTAINER_EVENTS, 0, key, event(report(company, "c1", reportedAt, 7))))
                    .get(30, TimeUnit.SECONDS);
        }

        try (StreamsRunner runner = start("skew", new SkippedRecords())) {
            Double requests = eventually(() -> requestsInWindow(runner, company, reportedAt));
            RegistryEntry entry = registry(runner).get(c1);

            assertThat(entry.registeredAtMs()).as("registered at the append time").isBetween(before, after);
            assertThat(entry.lastActivityMs()).as("the honest report after it updated the registry").isEqualTo(reportedAt);
            assertThat(requests).as("and counts in its window").isEqualTo(7.0);
        }
    }

    /**
     * The longest --max-clock-skew (a day) trusts a past time that far, but a future one only up
     * to an hour: every record the topology writes carries the event's time, and the broker
     * refuses records stamped more than an hour ahead of its clock. Trusted, this event's
     * changelog write failed the stream thread on every retry.
     */
    @Test
    void eventStampedHoursAheadIsNotTrustedEvenWithADaysSkewAndProcessingGoesOn() throws Exception {
        String company = KAFKA.uniqueName("future-co");
        ContainerKey c1 = new ContainerKey(company, "c1");
        BrokerRuns.writeEvents(KAFKA, register(company, "c1", System.currentTimeMillis() + Duration.ofHours(4).toMillis()));
        long reportedAt = System.currentTimeMillis() + 1;
        BrokerRuns.writeEvents(KAFKA, report(company, "c1", reportedAt, 9));

        try (StreamsRunner runner = start("future", new SkippedRecords(), ProcessorConfig.defaults().withMaxClockSkew(Duration.ofDays(1)))) {
            Double requests = eventually(() -> requestsInWindow(runner, company, reportedAt));

            assertThat(requests).as("the report after it counts in its window").isEqualTo(9.0);
            assertThat(registry(runner).get(c1).lastActivityMs()).isEqualTo(reportedAt);
            assertThat(runner.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(runner.failure()).isEmpty();
        }
    }

    private StreamsRunner start(String name, SkippedRecords skipped) throws InterruptedException {
        return start(name, skipped, ProcessorConfig.defaults());
    }

    private StreamsRunner start(String name, SkippedRecords skipped, ProcessorConfig config) throws InterruptedException {
        StreamsSettings settings = BrokerRuns.settings(KAFKA, KAFKA.uniqueName(name), stateDir);
        StreamsRunner runner = new StreamsRunner(ServingTopology.build(config), settings.toProperties(skipped));
        runner.start();
        assertThat(runner.awaitRunning(PATIENCE)).isTrue();
        return runner;
    }

    private static ReadOnlyKeyValueStore<ContainerKey, RegistryEntry> registry(StreamsRunner runner) {
        return runner.streams().store(StoreQueryParameters.fromNameAndType(ContainerRegistry.STORE,
                QueryableStoreTypes.<ContainerKey, RegistryEntry>keyValueStore()));
    }

    /** The request counter's sum in the 10 s window of {@code atMs} of container c1, or null before it is there. */
    private static Double requestsInWindow(StreamsRunner runner, String company, long atMs) {
        MetricResolution tenSeconds = ProcessorConfig.defaults().resolutions().get(0);
        ReadOnlyWindowStore<EndpointContainerKey, ContainerSample> store = runner.streams().store(
                StoreQueryParameters.fromNameAndType(tenSeconds.storeName(),
                        QueryableStoreTypes.<EndpointContainerKey, ContainerSample>windowStore()));
        long start = atMs - atMs % tenSeconds.window().toMillis();
        try (WindowStoreIterator<ContainerSample> it = store.fetch(new EndpointContainerKey(company, URL, "c1"),
                Instant.ofEpochMilli(start), Instant.ofEpochMilli(start))) {
            return it.hasNext() ? it.next().value.metrics().get(MetricType.REQUESTS).sum() : null;
        }
    }

    /** The first non-null answer of {@code read} within the patience (stores may still be opening). */
    private static <T> T eventually(Supplier<T> read) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                T value = read.get();
                if (value != null) {
                    return value;
                }
            } catch (InvalidStateStoreException notYet) {
                // rebalancing or restoring: ask again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no answer within " + PATIENCE);
    }

    /** The dead letters of the given source offsets of container-events, read committed. */
    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(List<Long> offsets) {
        return BrokerRuns.deadLetters(KAFKA, letter -> Topics.CONTAINER_EVENTS.equals(header(letter, DeadLetter.SOURCE_TOPIC))
                && offsets.contains(Long.parseLong(header(letter, DeadLetter.SOURCE_OFFSET))), offsets.size(), PATIENCE);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return BrokerRuns.header(record, name);
    }

    private static List<Long> offsets(Map<Long, DeadLetter.Reason> reasonByOffset) {
        return new ArrayList<>(reasonByOffset.keySet());
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return BrokerRuns.producer(KAFKA);
    }

    private static Raw pair(byte[] key, byte[] value) {
        return new Raw(key, value);
    }

    /** A record's bytes as written straight to the topic. */
    private record Raw(byte[] key, byte[] value) {
    }

    private static byte[] event(ContainerEvent event) {
        return Serdes.containerEvent().serialize(Topics.CONTAINER_EVENTS, event);
    }

    private static ContainerEvent register(String company, String containerId, long atMs) {
        return new ContainerEvent(ContainerEventType.REGISTER, company, containerId, atMs, "10.0.0.1", 600, model(), null);
    }

    private static ContainerEvent report(String company, String containerId, long atMs, long requests) {
        return new ContainerEvent(ContainerEventType.STATUS_REPORT, company, containerId, atMs, "10.0.0.1", null, model(),
                new LoadReport(60L, requests, null, null, null));
    }

    private static ModelInfo model() {
        return new ModelInfo("sentiment", URL, "bert", null, null, null, null, null, null, null, null);
    }
}
