package io.servingmonitor.processor;

import com.fasterxml.jackson.core.JsonParseException;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.DeadLetter;
import io.servingmonitor.topics.Serdes;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * How the topology reads {@link io.servingmonitor.topics.Topics#CONTAINER_EVENTS}: the key and
 * value serdes of {@link Serdes}, whose deserializers say why a record is not one the ingest API
 * could have written, as a {@link PoisonRecordException}: a key or value over the size an
 * accepted write makes ({@link DeadLetter.Reason#TOO_LARGE}, checked before anything is parsed),
 * a key that is missing or not a {@link ContainerKey} ({@code BAD_KEY}), a value that is not JSON
 * ({@code NOT_JSON}) or JSON of another shape ({@code WRONG_SHAPE}). What needs key and value
 * together, or the event's type, the registry checks ({@code ContainerRegistryProcessor}).
 */
public final class EventInput {

    private EventInput() {
    }

    public static Serde<ContainerKey> keySerde() {
        Deserializer<ContainerKey> keys = Serdes.containerKey().deserializer();
        return org.apache.kafka.common.serialization.Serdes.serdeFrom(Serdes.containerKey().serializer(), (topic, data) -> {
            if (data == null) {
                throw new PoisonRecordException(DeadLetter.Reason.BAD_KEY, "a container event without key");
            }
            if (data.length > ContainerEvent.MAX_KEY_BYTES) {
                throw new PoisonRecordException(DeadLetter.Reason.TOO_LARGE, "a key of " + data.length
                        + " bytes, more than the " + ContainerEvent.MAX_KEY_BYTES + " of a container key");
            }
            try {
                return keys.deserialize(topic, data);
            } catch (RuntimeException e) {
                throw new PoisonRecordException(DeadLetter.Reason.BAD_KEY, "a key that is not a container key", e);
            }
        });
    }

    public static Serde<ContainerEvent> valueSerde() {
        Deserializer<ContainerEvent> values = Serdes.containerEvent().deserializer();
        return org.apache.kafka.common.serialization.Serdes.serdeFrom(Serdes.containerEvent().serializer(), (topic, data) -> {
            if (data == null) {
                throw new PoisonRecordException(DeadLetter.Reason.WRONG_SHAPE, "a container event without value (a tombstone)");
            }
            if (data.length > ContainerEvent.MAX_SERIALIZED_BYTES) {
                throw new PoisonRecordException(DeadLetter.Reason.TOO_LARGE, "a value of " + data.length
                        + " bytes, more than the " + ContainerEvent.MAX_SERIALIZED_BYTES + " of an accepted write");
            }
            try {
                return values.deserialize(topic, data);
            } catch (RuntimeException e) {
                boolean notJson = e.getCause() instanceof JsonParseException;
                throw new PoisonRecordException(notJson ? DeadLetter.Reason.NOT_JSON : DeadLetter.Reason.WRONG_SHAPE,
                        notJson ? "a value that is not JSON" : "a value that is not a container event", e);
            }
        });
    }
}
