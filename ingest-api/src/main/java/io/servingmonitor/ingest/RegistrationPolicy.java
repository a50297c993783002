package io.servingmonitor.ingest;

import java.time.Duration;
import java.util.Objects;

/**
 * ClearML's two registration settings. {@code autoRegister} ({@code container_auto_register}): a
 * status report of a container that is not registered registers it on the fly; when false it is
 * refused with 400/1051. {@code autoUnregister} ({@code container_auto_unregister}): unregistering
 * a container that is not registered is a success; when false it is refused with 400/1051. Both
 * default to true, as in ClearML.
 *
 * @param confirmWithin how long a strict action keeps asking the {@link ContainerDirectory} again
 *                      before answering 1051, so that a report sent right after its register is
 *                      not refused only because the register has not been processed yet
 */
public record RegistrationPolicy(boolean autoRegister, boolean autoUnregister, Duration confirmWithin) {

    /** The default time a "not registered" answer is checked again before it is believed. */
    public static final Duration DEFAULT_CONFIRM_WITHIN = Duration.ofSeconds(2);

    /** ClearML's defaults: both automatic, the directory is never consulted. */
    public static final RegistrationPolicy AUTO = new RegistrationPolicy(true, true);

    public RegistrationPolicy {
        Objects.requireNonNull(confirmWithin, "confirmWithin");
        if (confirmWithin.isNegative()) {
            throw new IllegalArgumentException("confirmWithin must not be negative");
        }
    }

    public RegistrationPolicy(boolean autoRegister, boolean autoUnregister) {
        this(autoRegister, autoUnregister, DEFAULT_CONFIRM_WITHIN);
    }

    /** Whether some action needs to know if a container is registered. */
    public boolean strict() {
        return !autoRegister || !autoUnregister;
    }
}
