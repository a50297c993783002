package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Accepted events are counted by type once stored; a failed publish is neither counted nor hidden. */
class CountingEventPublisherTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void storedEventsAreCountedByTypeAndFailedOnesAreNot() {
        CountingEventPublisher storing = new CountingEventPublisher(event -> CompletableFuture.completedFuture(null), registry);
        CountingEventPublisher failing = new CountingEventPublisher(
                event -> CompletableFuture.failedFuture(ApiException.unavailable("Kafka is down")), registry);

        storing.publish(event(ContainerEventType.REGISTER));
        storing.publish(event(ContainerEventType.STATUS_REPORT));
        storing.publish(event(ContainerEventType.STATUS_REPORT));
        failing.publish(event(ContainerEventType.UNREGISTER));

        assertThat(accepted(ContainerEventType.REGISTER)).isEqualTo(1);
        assertThat(accepted(ContainerEventType.STATUS_REPORT)).isEqualTo(2);
        assertThat(accepted(ContainerEventType.UNREGISTER)).isZero();
    }

    @Test
    void failureOfThePublisherIsPassedOn() {
        ApiException down = ApiException.unavailable("Kafka is down");
        CountingEventPublisher failing = new CountingEventPublisher(event -> CompletableFuture.failedFuture(down), registry);

        assertThat(failing.publish(event(ContainerEventType.REGISTER)).toCompletableFuture())
                .failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class)
                .havingRootCause().isSameAs(down);
    }

    private double accepted(ContainerEventType type) {
        return registry.get(CountingEventPublisher.ACCEPTED).tag("type", type.name()).counter().count();
    }

    private static ContainerEvent event(ContainerEventType type) {
        return new ContainerEvent(type, "company", "container", 0L, "127.0.0.1", null, null, null);
    }
}
