package io.servingmonitor.topics;

import java.io.IOException;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The serde of a key type: written with the frozen {@link KeyJson} encoding and read back by its
 * own decoder, or as plain JSON when another writer made the bytes (any JSON reader understands
 * the encoding). Null stays null.
 */
public final class KeySerde<K> extends SelfSerde<K> {

    private final Class<K> type;
    private final Function<K, byte[]> encoder;
    private final String[] fields;
    private final Function<String[], K> fromFields;

    /**
     * @param fields     the key's field names in their encoded order
     * @param fromFields makes the key of its field values, in that order
     */
    public KeySerde(Class<K> type, Function<K, byte[]> encoder, String[] fields, Function<String[], K> fromFields) {
        this.type = type;
        this.encoder = encoder;
        this.fields = fields.clone();
        this.fromFields = fromFields;
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
        String[] values = KeyJson.decode(data, fields);
        if (values != null) {
            return fromFields.apply(values);
        }
        try {
            return Json.mapper().readValue(data, type);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read a " + type.getSimpleName() + " key from topic " + topic, e);
        }
    }
}
