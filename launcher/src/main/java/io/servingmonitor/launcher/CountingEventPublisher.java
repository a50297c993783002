package io.servingmonitor.launcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servingmonitor.ingest.EventPublisher;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Publishes through another {@link EventPublisher} and counts the events it made durable, by type:
 * {@code serving.monitor.events.accepted} (Prometheus {@code serving_monitor_events_accepted_total})
 * with the label {@code type} = {@code REGISTER}, {@code STATUS_REPORT} or {@code UNREGISTER}. Every
 * type is there from the start, at 0. Refused and failed writes are not counted here: the HTTP
 * timer has them by action, status and subcode.
 */
final class CountingEventPublisher implements EventPublisher {

    static final String ACCEPTED = "serving.monitor.events.accepted";

    private final EventPublisher delegate;
    private final Map<ContainerEventType, Counter> accepted = new EnumMap<>(ContainerEventType.class);

    CountingEventPublisher(EventPublisher delegate, MeterRegistry registry) {
        this.delegate = delegate;
        for (ContainerEventType type : ContainerEventType.values()) {
            accepted.put(type, Counter.builder(ACCEPTED)
                    .description("Container events stored in Kafka, by type")
                    .tag("type", type.name())
                    .register(registry));
        }
    }

    @Override
    public CompletionStage<Void> publish(ContainerEvent event) {
        return delegate.publish(event).whenComplete((stored, error) -> {
            if (error == null) {
                accepted.get(event.type()).increment();
            }
        });
    }
}
