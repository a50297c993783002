package io.servingmonitor.topics;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The serde of a key type: written with the frozen {@link KeyJson} encoding and read back by its
 * own decoder, or as plain JSON when another writer made the bytes (any JSON reader understands
 * the encoding). Null stays null.
 *
 * <p>One instance serves every thread that reads or writes its store (stream threads and query
 * threads): it remembers the last key it read and the last bytes it wrote in single volatile
 * slots holding immutable pairs. The bytes {@link #serialize} returns may be returned again for
 * the same key object: callers must not change them (Kafka's producer, store layers and RocksDB
 * only read or copy them).
 */
public final class KeySerde<K> extends SelfSerde<K> {

    private final Class<K> type;
    private final Function<K, byte[]> encoder;
    private final String[] fields;
    private final Function<String[], K> fromFields;
    /** The last key read and its bytes: a range read of a window store returns one key many times in a row. */
    private volatile Decoded<K> last;
    /** The last key written and its bytes: a store's get and then put of one key write that key twice. */
    private volatile Decoded<K> lastWritten;

    private record Decoded<K>(byte[] bytes, K key) {
    }

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
        if (key == null) {
            return null;
        }
        Decoded<K> previous = lastWritten;
        if (previous != null && previous.key == key) {
            // The same key object (keys are immutable): its bytes, which no caller changes.
            return previous.bytes;
        }
        byte[] bytes = encoder.apply(key);
        lastWritten = new Decoded<>(bytes, key);
        return bytes;
    }

    @Override
    public K deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        Decoded<K> previous = last;
        if (previous != null && Arrays.equals(previous.bytes, data)) {
            return previous.key;
        }
        String[] values = KeyJson.decode(data, fields);
        if (values != null) {
            K key = fromFields.apply(values);
            // Keys are immutable values, so one may be handed out again; the bytes are copied in
            // case a caller reuses its array.
            last = new Decoded<>(data.clone(), key);
            return key;
        }
        try {
            return Json.mapper().readValue(data, type);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read a " + type.getSimpleName() + " key from topic " + topic, e);
        }
    }
}
