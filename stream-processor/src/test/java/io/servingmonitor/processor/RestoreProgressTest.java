package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.testkafka.KafkaFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RestoreProgress} as {@link StreamsRunner} installs it, on a real broker: an instance that
 * starts on an empty state directory restores its store from the changelog, and the copy it
 * rebuilds is told to the observers as placed, then as loaded with changelog batches (the lag bound of
 * stale reads untrusts it until it has caught up).
 */
class RestoreProgressTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String STORE = "restored-values";
    private static final int RECORDS = 50;

    @TempDir
    Path stateDir;

    record Placement(String store, int partition) {
    }

    @Test
    void aStoreRestoredFromItsChangelogIsToldAsACopyPlacedThenLoadedAndEndsItsRestoration() throws Exception {
        String in = KAFKA.uniqueName("restore-in");
        KAFKA.createTopic(in, 1);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            values.add(RecordSkippingTest.bytes("value-" + i));
        }
        BrokerRuns.write(KAFKA, in, values);
        String applicationId = KAFKA.uniqueName("restore");
        Properties props = BrokerRuns.settings(KAFKA, applicationId, stateDir).toProperties();

        try (StreamsRunner runner = new StreamsRunner(topology(in), props)) {
            runner.start();
            assertThat(runner.awaitRunning(PATIENCE)).isTrue();
            awaitCount(runner, RECORDS);
            assertThat(runner.restoreProgress().restoredRecords()).as("a fresh store restores nothing").isZero();
            // Leaves the group: the next instance gets the partition at once, not after the session timeout.
            runner.streams().close(CloseOptions.timeout(PATIENCE)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }

        deleteContents(stateDir);
        List<Placement> secondRun = new CopyOnWriteArrayList<>();
        List<Placement> loaded = new CopyOnWriteArrayList<>();
        try (StreamsRunner runner = new StreamsRunner(topology(in), props)) {
            runner.restoreProgress().observeCopies(new RestoreProgress.CopyObserver() {
                @Override
                public void copyPlaced(String store, int partition) {
                    secondRun.add(new Placement(store, partition));
                }

                @Override
                public void copyLoaded(String store, int partition) {
                    loaded.add(new Placement(store, partition));
                }
            });
            runner.start();
            assertThat(runner.awaitRunning(PATIENCE)).isTrue();
            awaitCount(runner, RECORDS);
            assertThat(secondRun).as("the store rebuilt from its changelog").containsExactly(new Placement(STORE, 0));
            assertThat(loaded).as("it applied changelog batches").isNotEmpty().containsOnly(new Placement(STORE, 0));
            assertThat(runner.restoreProgress().restoring()).as("its restoration ended").isFalse();
            assertThat(runner.restoreProgress().restoredRecords()).as("the changelog records it restored").isPositive();
        }
    }

    /** in -> a count of the records seen, in {@link #STORE}. */
    private static Topology topology(String in) {
        Topology topology = new Topology();
        topology.addSource("source", new ByteArrayDeserializer(), new StringDeserializer(), in);
        topology.addProcessor("count", () -> new Processor<byte[], String, Void, Void>() {
            private KeyValueStore<String, Long> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<byte[], String> record) {
                Long count = store.get("count");
                store.put("count", count == null ? 1 : count + 1);
            }
        }, "source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.Long()), "count");
        return topology;
    }

    private static void awaitCount(StreamsRunner runner, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Long count = null;
        while (System.nanoTime() < deadline) {
            try {
                count = runner.streams().store(StoreQueryParameters.fromNameAndType(STORE,
                        QueryableStoreTypes.<String, Long>keyValueStore())).get("count");
                if (count != null && count == expected) {
                    return;
                }
            } catch (InvalidStateStoreException notYet) {
                // restoring or rebalancing: ask again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the store did not count " + expected + " records within " + PATIENCE + "; last " + count);
    }

    private static void deleteContents(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(dir)) {
                    Files.delete(path);
                }
            }
        }
    }
}
