package io.servingmonitor.processor.registry;

import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.JsonSerde;
import io.servingmonitor.topics.Serdes;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link ExpiryIndexKey} whose byte order (the order of state store iteration) is
 * the order of expiry: 8 bytes big-endian of the expiry time, then the serialized
 * {@link ContainerKey}. The sign bit of the time is flipped so that unsigned byte comparison also
 * orders negative times correctly (for the epoch times used in practice the order is that of
 * plain big-endian).
 */
public final class ExpiryIndexKeySerde implements Serde<ExpiryIndexKey>, Serializer<ExpiryIndexKey>, Deserializer<ExpiryIndexKey> {

    private static final int TIME_BYTES = Long.BYTES;

    private final JsonSerde<ContainerKey> containerKeys = Serdes.containerKey();

    @Override
    public byte[] serialize(String topic, ExpiryIndexKey key) {
        if (key == null) {
            return null;
        }
        byte[] container = containerKeys.serialize(topic, key.container());
        return ByteBuffer.allocate(TIME_BYTES + container.length)
                .putLong(key.expiresAtMs() ^ Long.MIN_VALUE)
                .put(container)
                .array();
    }

    @Override
    public ExpiryIndexKey deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length <= TIME_BYTES) {
            throw new SerializationException("an expiry index key has " + TIME_BYTES + " time bytes and a container key, got "
                    + data.length + " bytes");
        }
        long expiresAtMs = ByteBuffer.wrap(data, 0, TIME_BYTES).getLong() ^ Long.MIN_VALUE;
        ContainerKey container = containerKeys.deserialize(topic, Arrays.copyOfRange(data, TIME_BYTES, data.length));
        return new ExpiryIndexKey(expiresAtMs, container);
    }

    @Override
    public Serializer<ExpiryIndexKey> serializer() {
        return this;
    }

    @Override
    public Deserializer<ExpiryIndexKey> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
