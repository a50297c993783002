package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.ContainerSampleSerde;
import io.servingmonitor.topics.CompactSerde;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The bytes of an {@link EndpointUpdate} on the repartition topic: a format byte (1), a flags byte
 * (1: left, 2: a member follows, 4: a report follows), then the member in its binary form
 * ({@link EndpointMember#CODEC}) prefixed by its
 * length (4 bytes), then the report's sample in the binary form of {@link ContainerSampleSerde}
 * (the rest). Metric values travel as binary doubles: no text formatting and parsing per report.
 */
public final class EndpointUpdateSerde implements Serde<EndpointUpdate>, Serializer<EndpointUpdate>,
        Deserializer<EndpointUpdate> {

    private static final byte FORMAT = 1;
    private static final int LEFT = 1;
    private static final int MEMBER = 2;
    private static final int REPORT = 4;

    private final CompactSerde<EndpointMember> members = EndpointView.memberSerde();
    private final ContainerSampleSerde samples = new ContainerSampleSerde();

    @Override
    public byte[] serialize(String topic, EndpointUpdate update) {
        if (update == null) {
            return null;
        }
        byte[] member = update.member() == null ? new byte[0] : members.serialize(topic, update.member());
        byte[] report = update.report() == null ? new byte[0] : samples.serialize(topic, update.report());
        int flags = (update.left() ? LEFT : 0) | (update.member() != null ? MEMBER : 0) | (update.report() != null ? REPORT : 0);
        return ByteBuffer.allocate(2 + 4 + member.length + report.length)
                .put(FORMAT).put((byte) flags).putInt(member.length).put(member).put(report)
                .array();
    }

    @Override
    public EndpointUpdate deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte format = in.get();
            if (format != FORMAT) {
                throw new SerializationException("unknown endpoint update format " + format + " on " + topic);
            }
            int flags = in.get();
            int memberLength = in.getInt();
            if (memberLength < 0 || memberLength > in.remaining()) {
                throw new SerializationException("an endpoint update on " + topic + " is cut short");
            }
            int memberStart = in.position();
            EndpointMember member = (flags & MEMBER) == 0 ? null
                    : members.deserialize(topic, Arrays.copyOfRange(data, memberStart, memberStart + memberLength));
            int reportStart = memberStart + memberLength;
            ContainerSample report = (flags & REPORT) == 0 ? null
                    : samples.deserialize(topic, Arrays.copyOfRange(data, reportStart, data.length));
            return new EndpointUpdate(member, (flags & LEFT) != 0, report);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("an endpoint update on " + topic + " cannot be read", e);
        }
    }

    @Override
    public Serializer<EndpointUpdate> serializer() {
        return this;
    }

    @Override
    public Deserializer<EndpointUpdate> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
