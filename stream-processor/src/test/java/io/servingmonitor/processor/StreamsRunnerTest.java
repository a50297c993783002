package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle without a broker: an instance that cannot reach Kafka still starts, tracks and closes. */
class StreamsRunnerTest {

    @TempDir
    Path stateDir;

    @Test
    void runnerIsRunningFromStartUntilCloseAndReportsItsStateChanges() throws InterruptedException {
        StreamsSettings settings = new StreamsSettings("runner-test", "127.0.0.1:1", stateDir, "localhost", 7070, 0, 1);
        List<KafkaStreams.State> states = new CopyOnWriteArrayList<>();
        StreamsRunner runner = new StreamsRunner(ServingTopology.build(ProcessorConfig.defaults()), settings.toProperties(),
                (next, previous) -> states.add(next));

        assertThat(runner.isRunning()).isFalse();
        runner.start();
        assertThat(runner.isRunning()).isTrue();
        assertThat(runner.awaitRunning(Duration.ofMillis(200))).as("no broker, so never RUNNING").isFalse();

        assertThat(runner.close(Duration.ofSeconds(30))).isTrue();
        assertThat(runner.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        assertThat(runner.isRunning()).isFalse();
        // The listener hears of NOT_RUNNING on the closing thread, possibly just after close() returned.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!states.contains(KafkaStreams.State.NOT_RUNNING) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(states).startsWith(KafkaStreams.State.REBALANCING).endsWith(KafkaStreams.State.NOT_RUNNING);
    }
}
