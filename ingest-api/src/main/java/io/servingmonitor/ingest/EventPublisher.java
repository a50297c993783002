package io.servingmonitor.ingest;

import io.servingmonitor.topics.ContainerEvent;
import java.util.concurrent.CompletionStage;

/**
 * Makes an accepted write durable. The stage completes when the event is stored (for Kafka: acknowledged
 * by all in-sync replicas), or fails: with {@code ApiException.unavailable} when it could not be
 * stored in time. It never blocks the caller.
 */
public interface EventPublisher {

    CompletionStage<Void> publish(ContainerEvent event);
}
