package io.servingmonitor.topics;

import java.io.IOException;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of a key type: written with the frozen {@link KeyJson} encoding, read back as JSON
 * (any JSON reader understands the encoding). Null stays null.
 */
public final class KeySerde<K> implements Serde<K>, Serializer<K>, Deserializer<K> {

    private final Class<K> type;
    private final Function<K, byte[]> encoder;

    public KeySerde(Class<K> type, Function<K, byte[]> encoder) {
        this.type = type;
        this.encoder = encoder;
    }

    @Override
    public byte[] serialize(String topic, K key) {
        return key == null ? null : encoder.apply(key);
    }

    @Override
    public K deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(data, type);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read a " + type.getSimpleName() + " key from topic " + topic, e);
        }
    }

    @Override
    public Serializer<K> serializer() {
        return this;
    }

    @Override
    public Deserializer<K> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
