package io.servingmonitor.processor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exception handlers of {@link StreamsSettings} on a real broker, with exactly-once as in
 * production: a record that cannot be read or processed is counted and skipped, and the records
 * after it are processed.
 */
class RecordSkippingTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    @BeforeAll
    static void deadLetterTopic() {
        BrokerRuns.ensureDeadLetterTopic(KAFKA);
    }

    @Test
    void poisonedRecordIsSkippedCountedAndTheNextOneIsProcessed() throws Exception {
        String in = KAFKA.uniqueName("poison-in");
        String out = KAFKA.uniqueName("poison-out");
        KAFKA.createTopic(in, 1);
        KAFKA.createTopic(out, 1);
        Topology topology = passThrough(in, out, new StringDeserializer(), new StringSerializer(), value -> {
            if (value.equals("poison")) {
                throw new IllegalArgumentException("this processor cannot handle the record");
            }
            return value.toUpperCase();
        });
        SkippedRecords skipped = new SkippedRecords();
        BrokerRuns.write(KAFKA, in, List.of(bytes("a"), bytes("poison"), bytes("b")));

        try (StreamsRunner runner = start(topology, "poison", skipped)) {
            List<byte[]> output = BrokerRuns.readCommitted(KAFKA, out, 2, PATIENCE);

            assertThat(output).extracting(v -> new String(v, UTF_8)).containsExactly("A", "B");
            assertThat(skipped.count(SkippedRecords.Reason.PROCESSING)).isEqualTo(1);
            assertThat(runner.failure()).isEmpty();
            List<ConsumerRecord<byte[], byte[]>> letters = BrokerRuns.deadLetters(KAFKA, in, 1, PATIENCE);
            assertThat(letters).singleElement().satisfies(letter -> {
                assertThat(letter.value()).isEqualTo(bytes("poison"));
                assertThat(BrokerRuns.header(letter, DeadLetter.REASON)).isEqualTo("processing");
                assertThat(BrokerRuns.header(letter, DeadLetter.SOURCE_OFFSET)).isEqualTo("1");
                assertThat(BrokerRuns.header(letter, DeadLetter.EXCEPTION)).isEqualTo(IllegalArgumentException.class.getName());
            });
        }
    }

    @Test
    void unreadableRecordIsSkippedCountedAndTheNextOneIsProcessed() throws Exception {
        String in = KAFKA.uniqueName("unreadable-in");
        String out = KAFKA.uniqueName("unreadable-out");
        KAFKA.createTopic(in, 1);
        KAFKA.createTopic(out, 1);
        Topology topology = passThrough(in, out, new IntegerDeserializer(), new IntegerSerializer(), value -> value * 10);
        SkippedRecords skipped = new SkippedRecords();
        // An integer is 4 bytes: 3 bytes cannot be deserialized.
        BrokerRuns.write(KAFKA, in, List.of(integer(1), new byte[] {1, 2, 3}, integer(2)));

        try (StreamsRunner runner = start(topology, "unreadable", skipped)) {
            List<byte[]> output = BrokerRuns.readCommitted(KAFKA, out, 2, PATIENCE);

            assertThat(output).extracting(v -> ByteBuffer.wrap(v).getInt()).containsExactly(10, 20);
            assertThat(skipped.count(SkippedRecords.Reason.DESERIALIZATION)).isEqualTo(1);
            assertThat(runner.failure()).isEmpty();
            assertThat(BrokerRuns.deadLetters(KAFKA, in, 1, PATIENCE)).singleElement().satisfies(letter -> {
                assertThat(letter.value()).isEqualTo(new byte[] {1, 2, 3});
                assertThat(BrokerRuns.header(letter, DeadLetter.REASON)).isEqualTo("deserialization");
            });
        }
    }

    private StreamsRunner start(Topology topology, String name, SkippedRecords skipped) throws InterruptedException {
        StreamsSettings settings = BrokerRuns.settings(KAFKA, KAFKA.uniqueName(name), stateDir);
        StreamsRunner runner = new StreamsRunner(topology, settings.toProperties(skipped));
        runner.start();
        return runner;
    }

    /** in -> a processor applying {@code map} to each value -> out. */
    static <V> Topology passThrough(String in, String out, Deserializer<V> deserializer, Serializer<V> serializer,
                                    Function<V, V> map) {
        Topology topology = new Topology();
        topology.addSource("source", new ByteArrayDeserializer(), deserializer, in);
        topology.addProcessor("map", () -> new Processor<byte[], V, byte[], V>() {
            private ProcessorContext<byte[], V> context;

            @Override
            public void init(ProcessorContext<byte[], V> context) {
                this.context = context;
            }

            @Override
            public void process(Record<byte[], V> record) {
                context.forward(record.withValue(map.apply(record.value())));
            }
        }, "source");
        topology.addSink("sink", out, new ByteArraySerializer(), serializer, "map");
        return topology;
    }

    static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static byte[] integer(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }
}
