package io.servingmonitor.topics;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde that is its own serializer and deserializer and needs no configuration: the base of
 * every serde of our keys and values, which only say how to write and read.
 */
public abstract class SelfSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    @Override
    public final Serializer<T> serializer() {
        return this;
    }

    @Override
    public final Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public final void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public final void close() {
    }
}
