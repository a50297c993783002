package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.testkafka.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transactional state stores of {@link StreamsSettings} on a real broker (exactly-once,
 * RocksDB with {@link BoundedRocksDbMemory}): an interactive query never sees a store write whose
 * transaction is then aborted, and a stream thread that fails keeps its task's store instead of
 * wiping it and restoring it from the changelog.
 */
class TransactionalStoresTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String STORE = "latest-values";
    private static final String KEY = "k";
    /** Records committed before the failure: a full restore would replay them all. */
    private static final int COMMITTED = 200;

    @TempDir
    Path stateDir;

    @Test
    void queryDoesNotSeeAnAbortedWriteAndTheFailedTaskKeepsItsStore() throws Exception {
        String in = KAFKA.uniqueName("tx-in");
        KAFKA.createTopic(in, 1);
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch queried = new CountDownLatch(1);
        AtomicBoolean failed = new AtomicBoolean();
        Topology topology = topology(in, written, queried, failed);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < COMMITTED; i++) {
            values.add(RecordSkippingTest.bytes("committed-" + i));
        }
        BrokerRuns.write(KAFKA, in, values);

        Properties props = BrokerRuns.settings(KAFKA, KAFKA.uniqueName("tx"), stateDir).toProperties();
        // A dead thread's consumer does not leave the group: its replacement gets the partition
        // once the session times out. The broker's minimum instead of 45 s keeps the test short.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
        try (StreamsRunner runner = new StreamsRunner(topology, props)) {
            runner.start();
            assertThat(runner.awaitRunning(PATIENCE)).isTrue();
            String last = "committed-" + (COMMITTED - 1);
            assertThat(await(runner, value -> last.equals(value))).as("committed writes are read").isEqualTo(last);
            long restoredBeforeFailure = runner.restoreProgress().restoredRecords();

            BrokerRuns.write(KAFKA, in, List.of(RecordSkippingTest.bytes("abort")));
            assertThat(written.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            // The stream thread has written "aborted-write" and waits, before any commit, for this read.
            String duringTransaction = store(runner).get(KEY);
            queried.countDown();

            assertThat(duringTransaction).as("a read while the write is not committed").isEqualTo(last);
            assertThat(await(runner, value -> value.equals("replayed")))
                    .as("after the abort the record is processed again by the replacement thread").isEqualTo("replayed");
            assertThat(failed).isTrue();
            assertThat(runner.restoreProgress().restoredRecords() - restoredBeforeFailure)
                    .as("changelog records restored after the failure (a wipe would restore all %d)", COMMITTED)
                    .isLessThan(COMMITTED);
            assertThat(runner.failure()).isEmpty();
        }
    }

    /**
     * in -> a processor keeping the latest value under one key; the value {@code abort} is written
     * as {@code aborted-write}, then, once, the processor waits for the test's read and fails the
     * thread (a StreamsException is not skipped), which aborts the transaction. The replacement
     * processes {@code abort} again and writes {@code replayed}.
     */
    private static Topology topology(String in, CountDownLatch written, CountDownLatch queried, AtomicBoolean failed) {
        Topology topology = new Topology();
        topology.addSource("source", new ByteArrayDeserializer(), new StringDeserializer(), in);
        topology.addProcessor("keep-latest", () -> new Processor<byte[], String, Void, Void>() {
            private KeyValueStore<String, String> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<byte[], String> record) {
                if (!record.value().equals("abort")) {
                    store.put(KEY, record.value());
                } else if (failed.compareAndSet(false, true)) {
                    store.put(KEY, "aborted-write");
                    written.countDown();
                    try {
                        queried.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new ProcessorStateException("simulated failure before the commit");
                } else {
                    store.put(KEY, "replayed");
                }
            }
        }, "source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.String()), "keep-latest");
        return topology;
    }

    private static ReadOnlyKeyValueStore<String, String> store(StreamsRunner runner) {
        return runner.streams().store(StoreQueryParameters.fromNameAndType(STORE,
                QueryableStoreTypes.<String, String>keyValueStore()));
    }

    /** Reads the key until {@code done} holds for its value; every value read on the way must not be the aborted one. */
    private static String await(StreamsRunner runner, java.util.function.Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String value = null;
        while (System.nanoTime() < deadline) {
            try {
                value = store(runner).get(KEY);
                assertThat(value).as("a read never shows the aborted write").isNotEqualTo("aborted-write");
                if (value != null && done.test(value)) {
                    return value;
                }
            } catch (InvalidStateStoreException notYet) {
                // the task is moving to the replacement thread: ask again
            }
            Thread.sleep(50);
        }
        return value;
    }
}
