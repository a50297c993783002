package io.servingmonitor.ingest;

import io.servingmonitor.api.ApiException;
import io.servingmonitor.topics.ContainerEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** Our {@link EventPublisher} in memory: records every event; can be told to store nothing and answer unavailable, or to hold acknowledgements. */
final class RecordingPublisher implements EventPublisher {

    private final List<ContainerEvent> events = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    private volatile boolean unavailable;
    private volatile boolean holding;

    @Override
    public CompletionStage<Void> publish(ContainerEvent event) {
        if (unavailable) {
            return CompletableFuture.failedFuture(ApiException.unavailable("Kafka is down"));
        }
        events.add(event);
        if (holding) {
            CompletableFuture<Void> acknowledgement = new CompletableFuture<>();
            held.add(acknowledgement);
            return acknowledgement;
        }
        return CompletableFuture.completedFuture(null);
    }

    List<ContainerEvent> events() {
        return List.copyOf(events);
    }

    ContainerEvent onlyEvent() {
        if (events.size() != 1) {
            throw new AssertionError("expected exactly one event, got " + events);
        }
        return events.get(0);
    }

    void unavailable(boolean value) {
        unavailable = value;
    }

    void holdAcknowledgements(boolean value) {
        holding = value;
    }

    void acknowledgeHeld() {
        held.forEach(acknowledgement -> acknowledgement.complete(null));
        held.clear();
    }

    void clear() {
        events.clear();
        held.clear();
        unavailable = false;
        holding = false;
    }
}
