package io.servingmonitor.processor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.testkafka.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real Streams run whose RocksDB store is configured by {@link BoundedRocksDbMemory}. */
class BoundedMemoryRunTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final String STORE = "value-counts";

    @TempDir
    Path stateDir;

    @Test
    void persistentStoreCountsCorrectlyWithItsMemoryInTheSharedCache() throws Exception {
        String in = KAFKA.uniqueName("bounded-in");
        String out = KAFKA.uniqueName("bounded-out");
        KAFKA.createTopic(in, 1);
        KAFKA.createTopic(out, 1);
        StreamsSettings settings = BrokerRuns.settings(KAFKA, KAFKA.uniqueName("bounded"), stateDir);
        BrokerRuns.write(KAFKA, in, List.of(RecordSkippingTest.bytes("a"), RecordSkippingTest.bytes("b"),
                RecordSkippingTest.bytes("a")));

        try (StreamsRunner runner = new StreamsRunner(countingTopology(in, out), settings.toProperties())) {
            runner.start();
            List<byte[]> output = BrokerRuns.readCommitted(KAFKA, out, 3, Duration.ofSeconds(60));

            assertThat(output).extracting(v -> new String(v, UTF_8)).containsExactly("a=1", "b=1", "a=2");
            assertThat(BoundedRocksDbMemory.shared(settings.rocksDbMemoryBytes()).cache().getUsage())
                    .as("the store's memtable is charged to the shared cache").isPositive();
        }
    }

    /** Counts each value in a persistent (RocksDB) store and emits {@code value=count}. */
    private static Topology countingTopology(String in, String out) {
        Topology topology = new Topology();
        topology.addSource("source", new ByteArrayDeserializer(), new StringDeserializer(), in);
        topology.addProcessor("count", () -> new Processor<byte[], String, byte[], String>() {
            private ProcessorContext<byte[], String> context;
            private KeyValueStore<String, Long> counts;

            @Override
            public void init(ProcessorContext<byte[], String> context) {
                this.context = context;
                this.counts = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<byte[], String> record) {
                Long previous = counts.get(record.value());
                long count = previous == null ? 1 : previous + 1;
                counts.put(record.value(), count);
                context.forward(record.withValue(record.value() + "=" + count));
            }
        }, "source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.Long()), "count");
        topology.addSink("sink", out, new ByteArraySerializer(), new StringSerializer(), "count");
        return topology;
    }
}
