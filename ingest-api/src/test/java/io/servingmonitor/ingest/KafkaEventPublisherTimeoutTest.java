package io.servingmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.api.ApiException;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The write timeout bounds the answer of every write, also when writes queue up behind sends that
 * block: nothing listens on the bootstrap address, so the producer never gets metadata and each
 * {@code send()} blocks for the whole max-block time on one of the two send threads.
 */
class KafkaEventPublisherTimeoutTest {

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);
    /** Slack for a loaded machine; the queue of blocked sends alone would take 12 s. */
    private static final Duration SLACK = Duration.ofSeconds(4);

    @Test
    void everyQueuedWriteIsAnswered503WithinTheWriteTimeoutWhenKafkaNeverAnswers() throws Exception {
        KafkaEventPublisher.Settings settings = KafkaEventPublisher.Settings.defaults("127.0.0.1:1")
                .withTimeouts(WRITE_TIMEOUT, WRITE_TIMEOUT);
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(settings)) {
            long started = System.nanoTime();
            List<CompletableFuture<Long>> answeredAfterNanos = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ContainerEvent event = new ContainerEvent(ContainerEventType.UNREGISTER, "company-a", "c-" + i,
                        System.currentTimeMillis(), "127.0.0.1", null, null, null);
                answeredAfterNanos.add(publisher.publish(event).toCompletableFuture()
                        .handle((ok, error) -> {
                            assertThat(error).isInstanceOf(ApiException.class);
                            assertThat(((ApiException) error).httpCode()).isEqualTo(503);
                            return System.nanoTime() - started;
                        }));
            }

            for (CompletableFuture<Long> answer : answeredAfterNanos) {
                long nanos = answer.get(60, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(nanos)).isLessThan(WRITE_TIMEOUT.plus(SLACK));
            }
        }
    }
}
