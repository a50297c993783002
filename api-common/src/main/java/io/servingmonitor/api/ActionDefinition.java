package io.servingmonitor.api;

import java.util.Objects;

/**
 * An action of the API at one version: {@code name} is {@code service.action} (e.g.
 * {@code serving.register_container}), {@code minVersion} the first API version that has it (e.g.
 * "2.31"); a call at that version or above is served by it, a call below is 404.
 *
 * @param honoursIdempotencyKey whether a resend with the same {@code Idempotency-Key} header gets the
 *                              first call's answer instead of running again ({@link IdempotentReplies});
 *                              for writes. Other actions ignore the header.
 */
public record ActionDefinition(String name, String minVersion, ActionHandler handler, boolean honoursIdempotencyKey) {

    /** An action that ignores {@code Idempotency-Key} (a read: running it again is harmless). */
    public ActionDefinition(String name, String minVersion, ActionHandler handler) {
        this(name, minVersion, handler, false);
    }

    /** This action, made to honour {@code Idempotency-Key}. */
    public ActionDefinition idempotent() {
        return new ActionDefinition(name, minVersion, handler, true);
    }

    public ActionDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
        if (!ActionPath.isActionName(name)) {
            throw new IllegalArgumentException("not a service.action name: " + name);
        }
        ApiVersion.parse(minVersion);
    }

    public ApiVersion version() {
        return ApiVersion.parse(minVersion);
    }
}
