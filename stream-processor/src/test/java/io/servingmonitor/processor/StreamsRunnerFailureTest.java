package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.testkafka.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thread-failure policy on a real broker, under the handlers of {@link StreamsSettings}: a
 * failure that repeats on the same input is retried a bounded number of times, then the client
 * stops in ERROR instead of replacing threads forever.
 */
class StreamsRunnerFailureTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir
    Path stateDir;

    @Test
    void threadFailingOnEveryRecordIsReplacedTwiceThenTheClientShutsDownInError() throws Exception {
        String in = KAFKA.uniqueName("failing-in");
        String out = KAFKA.uniqueName("failing-out");
        KAFKA.createTopic(in, 1);
        KAFKA.createTopic(out, 1);
        AtomicInteger attempts = new AtomicInteger();
        // A StreamsException (here: a store that cannot be written) is not skipped by the
        // processing handler: the thread dies on it, and again on the same record after a restart.
        Topology topology = RecordSkippingTest.passThrough(in, out, new StringDeserializer(), new StringSerializer(), value -> {
            attempts.incrementAndGet();
            throw new ProcessorStateException("simulated store failure");
        });
        BrokerRuns.write(KAFKA, in, List.of(RecordSkippingTest.bytes("a")));
        StreamsSettings settings = BrokerRuns.settings(KAFKA, KAFKA.uniqueName("failing"), stateDir);

        Properties props = settings.toProperties();
        // A dead thread's consumer does not leave the group: its replacement gets the partition
        // once the session times out. The broker's minimum instead of 45 s keeps the test short.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);

        try (StreamsRunner runner = new StreamsRunner(topology, props, (next, previous) -> { },
                new ThreadFailurePolicy(2, Duration.ofMinutes(10)))) {
            runner.start();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (runner.state() != KafkaStreams.State.ERROR && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }

            assertThat(runner.state()).isEqualTo(KafkaStreams.State.ERROR);
            assertThat(attempts).as("the first thread and its two replacements, each failing once").hasValue(3);
            assertThat(runner.failure()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("kept failing", "3 failures within 10 min", ProcessorStateException.class.getName()));
            assertThat(runner.isRunning()).isFalse();
        }
    }
}
