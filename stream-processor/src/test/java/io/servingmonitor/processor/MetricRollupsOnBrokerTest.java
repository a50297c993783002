package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.ModelInfo;
import io.servingmonitor.topics.TopicAdmin;
import io.servingmonitor.topics.TopicSettings;
import io.servingmonitor.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 1 h rollup on a real broker, exactly-once, across restarts: each closed 5 min window of a
 * container is merged into its hour once, whether the instance that merges the next one is the
 * same process, a restart on the same state directory, or a new instance that restores the
 * stores from their changelogs into an empty one.
 */
class MetricRollupsOnBrokerTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String URL = "/serve/rollup";
    private static final MetricResolution HOUR = ProcessorConfig.DEFAULT_ROLLUP;
    /** The default topology, trusting event times of the last days (container-events takes the append time beyond the skew). */
    private static final ProcessorConfig CONFIG = ProcessorConfig.defaults().withMaxClockSkew(Duration.ofDays(30));

    /** Integer figures, so that sums in any order are exact. */
    private static final LoadReport A = new LoadReport(60L, 100L, 6.0, 20L, null);
    private static final LoadReport B = new LoadReport(90L, 130L, 8.0, 40L, null);
    private static final LoadReport C = new LoadReport(95L, 150L, 4.0, 30L, null);
    private static final LoadReport D = new LoadReport(30L, 7L, 1.0, 100L, null);

    @TempDir
    Path firstStateDir;

    @TempDir
    Path emptyStateDir;

    @BeforeAll
    static void topics() {
        TopicAdmin.ensureTopics(KAFKA.clientConfig(), Topics.owned(new TopicSettings(1, (short) 1)), PATIENCE);
    }

    /**
     * c1 reports A in the first 5 min window of an hour and B, C in the second; c2 reports D in the
     * first. c3 reports A at 10, 15 and 20 min; c4's reports only move stream time. Closed windows
     * are emitted at most once a second of wall-clock time (Kafka Streams' default for
     * emit-on-window-close), when a record arrives: so c4 reports again every 1.2 s until the
     * merge shows, as a fleet that keeps reporting would.
     */
    @Test
    void eachClosedWindowIsMergedIntoItsHourOnceAcrossARestartAndARestoreIntoAnEmptyStateDir() throws Exception {
        String company = KAFKA.uniqueName("rollup-co");
        String applicationId = KAFKA.uniqueName("rollup");
        long hour = Instant.now().minus(Duration.ofDays(3)).toEpochMilli() / 3_600_000 * 3_600_000;
        EndpointContainerKey c1 = new EndpointContainerKey(company, URL, "c1");
        EndpointContainerKey c2 = new EndpointContainerKey(company, URL, "c2");
        EndpointContainerKey c3 = new EndpointContainerKey(company, URL, "c3");
        ContainerSample a = ContainerSample.of(A);
        ContainerSample abc = a.merge(ContainerSample.of(B)).merge(ContainerSample.of(C));

        // Other test classes write container-events of this broker too (one of them an event hours
        // ahead, which this topology, trusting times days back, would take as stream time): start
        // where this test's events begin.
        startAtTheEnd(applicationId);
        try (StreamsRunner first = start(applicationId, firstStateDir)) {
            BrokerRuns.writeEvents(KAFKA, report(company, "c1", hour + 1_000, A), report(company, "c2", hour + 3_000, D),
                    report(company, "c1", hour + 301_000, B), report(company, "c1", hour + 302_000, C),
                    report(company, "c3", hour + 601_000, A));
            // Stream time at 10 min: the first 5 min window has closed, the second has not.
            assertThat(moveUntil(first, company, hour + 602_000, c1, hour, a)).as("c1 after its first window").isEqualTo(a);
            assertThat(rollup(first, c2, hour)).as("c2's only window").isEqualTo(ContainerSample.of(D));
        }

        // Restarted on the same state: the second window closes and is merged; the first is not merged again.
        try (StreamsRunner restarted = start(applicationId, firstStateDir)) {
            BrokerRuns.writeEvents(KAFKA, report(company, "c3", hour + 901_000, A));
            assertThat(moveUntil(restarted, company, hour + 902_000, c1, hour, abc)).as("c1 after both windows").isEqualTo(abc);
            assertThat(rollup(restarted, c2, hour)).as("c2 merged once").isEqualTo(ContainerSample.of(D));
        }

        // A new instance restores the rollup from its changelog into an empty state directory, and
        // merges the windows that close next: c3's second one, not c1's or c2's again.
        try (StreamsRunner restored = start(applicationId, emptyStateDir)) {
            BrokerRuns.writeEvents(KAFKA, report(company, "c3", hour + 1_201_000, A));
            ContainerSample twice = a.merge(a);
            assertThat(moveUntil(restored, company, hour + 1_502_000, c3, hour, twice))
                    .as("c3's windows at 10 and 15 min, the second merged by the new instance").isEqualTo(twice);
            assertThat(rollup(restored, c1, hour)).as("c1 restored, not merged again").isEqualTo(abc);
            assertThat(rollup(restored, c2, hour)).as("c2 restored, not merged again").isEqualTo(ContainerSample.of(D));
        }
    }

    /**
     * Sends a report of c4 at {@code moverAtMs} every 1.2 s until the rollup window of {@code key}
     * at {@code hourMs} equals {@code expected}; returns it, or what it last was when the patience
     * ran out (a window merged twice shows as more than expected, never as less).
     */
    private static ContainerSample moveUntil(StreamsRunner runner, String company, long moverAtMs, EndpointContainerKey key,
                                             long hourMs, ContainerSample expected) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        ContainerSample last = null;
        long nextMove = 0;
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() >= nextMove) {
                BrokerRuns.writeEvents(KAFKA, report(company, "c4", moverAtMs, D));
                nextMove = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_200);
            }
            try {
                last = rollup(runner, key, hourMs);
                if (Objects.equals(last, expected)) {
                    return last;
                }
            } catch (InvalidStateStoreException notYet) {
                // rebalancing or restoring: ask again
            }
            Thread.sleep(100);
        }
        return last;
    }

    private StreamsRunner start(String applicationId, Path stateDir) throws InterruptedException {
        StreamsSettings settings = BrokerRuns.settings(KAFKA, applicationId, stateDir);
        // A short session: each next instance takes over the tasks of the one closed before without waiting 45 s for it.
        StreamsRunner runner = new StreamsRunner(ServingTopology.build(CONFIG),
                settings.toProperties(new SkippedRecords(), Duration.ofSeconds(6)));
        runner.start();
        assertThat(runner.awaitRunning(PATIENCE)).isTrue();
        return runner;
    }

    /** Commits the group of {@code applicationId} at the current end of every partition of container-events. */
    private static void startAtTheEnd(String applicationId) throws Exception {
        try (Admin admin = Admin.create(KAFKA.clientConfig())) {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            admin.describeTopics(List.of(Topics.CONTAINER_EVENTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.CONTAINER_EVENTS).partitions()
                    .forEach(p -> partitions.put(new TopicPartition(Topics.CONTAINER_EVENTS, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS)
                    .forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end.offset())));
            admin.alterConsumerGroupOffsets(applicationId, ends).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The rollup window of {@code key} starting at {@code hourMs}, or null when there is none (yet). */
    private static ContainerSample rollup(StreamsRunner runner, EndpointContainerKey key, long hourMs) {
        ReadOnlyWindowStore<EndpointContainerKey, ContainerSample> store = runner.streams().store(
                StoreQueryParameters.fromNameAndType(HOUR.storeName(),
                        QueryableStoreTypes.<EndpointContainerKey, ContainerSample>windowStore()));
        try (WindowStoreIterator<ContainerSample> it = store.fetch(key, Instant.ofEpochMilli(hourMs), Instant.ofEpochMilli(hourMs))) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    private static ContainerEvent report(String company, String containerId, long atMs, LoadReport load) {
        return new ContainerEvent(ContainerEventType.STATUS_REPORT, company, containerId, atMs, "10.0.0.1", null,
                new ModelInfo("rollup", URL, "bert", null, null, null, null, null, null, null, null), load);
    }
}
