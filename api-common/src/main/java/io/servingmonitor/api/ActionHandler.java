package io.servingmonitor.api;

import java.util.concurrent.CompletionStage;

/**
 * The code behind one action. It may throw {@link ApiException} (or complete the stage with one)
 * to answer an error; the stage's value becomes the envelope's {@code data}, serialized with the
 * shared JSON mapping (snake_case, nulls left out); {@code Map.of()} answers {@code {}}. It must not
 * block: slow work (Kafka, a peer) completes the stage later.
 */
@FunctionalInterface
public interface ActionHandler {

    CompletionStage<?> handle(ActionRequest request);
}
