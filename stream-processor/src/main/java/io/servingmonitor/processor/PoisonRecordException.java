package io.servingmonitor.processor;

import io.servingmonitor.topics.DeadLetter;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record on {@link io.servingmonitor.topics.Topics#CONTAINER_EVENTS} that is not an event the
 * ingest API could have written, and why ({@link #reason()}): thrown by the topology's source
 * deserializers ({@link EventInput}) and by the registry before it writes anything, so that the
 * exception handlers send the record to the dead letters with that reason. The message never
 * holds the record's content.
 */
public final class PoisonRecordException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final DeadLetter.Reason reason;

    public PoisonRecordException(DeadLetter.Reason reason, String message) {
        this(reason, message, null);
    }

    public PoisonRecordException(DeadLetter.Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public DeadLetter.Reason reason() {
        return reason;
    }
}
