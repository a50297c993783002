package io.servingmonitor.topics;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A Kafka serde that writes {@code T} as UTF-8 JSON with the shared {@link Json} mapping. Null is
 * kept as null (a tombstone) both ways.
 */
public final class JsonSerde<T> extends SelfSerde<T> {

    private final Class<T> type;

    public JsonSerde(Class<T> type) {
        this.type = type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.mapper().writeValueAsBytes(data);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " as JSON", e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(data, type);
        } catch (IOException e) {
            throw new SerializationException("cannot read " + type.getSimpleName() + " from topic " + topic, e);
        }
    }
}
