package io.servingmonitor.ingest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tells the strict registration modes ({@link RegistrationPolicy}) whether a container is
 * currently registered and live. The answer may lag the writes just accepted (it comes from the
 * topology's registry); {@link IngestActions} asks again for a short while before it believes a
 * "no". The stage must not block the caller; it may fail, e.g. with 503 {@code ApiException.unavailable}
 * when the registry cannot be read now, and that failure is the action's answer.
 */
@FunctionalInterface
public interface ContainerDirectory {

    /** Whether {@code containerId} of {@code company} is registered and not expired. */
    CompletionStage<Boolean> isRegistered(String company, String containerId);

    /**
     * For an ingest that runs without the registry's stores: it cannot know, so it answers every
     * container as registered. With it the strict modes cannot be honoured: status reports and
     * unregisters are accepted as in the automatic modes (ClearML's defaults).
     */
    ContainerDirectory UNKNOWN = (company, containerId) -> CompletableFuture.completedFuture(true);
}
