package io.servingmonitor.processor;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.servingmonitor.topics.DeadLetter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Makes the dead letters of the exception handlers: one record for the dead-letter topic named by
 * {@link StreamsConfig#ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG}, holding the refused record's
 * original key and value bytes, its original headers and then the {@link DeadLetter} headers. The handlers return it in their
 * response and Kafka Streams writes it in the task's transaction (KIP-1034), so a dead letter is
 * written exactly when the input record counts as processed.
 */
final class DeadLetters {

    private final String topic;

    private DeadLetters(String topic) {
        this.topic = topic;
    }

    /** The dead letters of a handler's configuration; none are made when it names no topic. */
    static DeadLetters from(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        return new DeadLetters(topic == null || topic.toString().isBlank() ? null : topic.toString());
    }

    /**
     * The dead letter of the record {@code context} is about, refused for {@code reason} by
     * {@code exception}, with {@code originalHeaders} (that record's headers, may be null) copied
     * first, as far as {@link DeadLetter#MAX_ORIGINAL_HEADER_BYTES} allows and without the ones
     * named like the dead-letter headers (those are set here); empty without a dead-letter topic
     * or a source record (a punctuation).
     */
    List<ProducerRecord<byte[], byte[]>> of(DeadLetter.Reason reason, ErrorHandlerContext context,
                                            byte[] key, byte[] value, Headers originalHeaders, Exception exception) {
        if (topic == null || context.topic() == null) {
            return List.of();
        }
        byte[] keptKey = key == null ? null : Arrays.copyOf(key, Math.min(key.length, DeadLetter.MAX_PAYLOAD_BYTES));
        int room = DeadLetter.MAX_PAYLOAD_BYTES - (keptKey == null ? 0 : keptKey.length);
        byte[] keptValue = value == null || value.length <= room ? value : Arrays.copyOf(value, room);
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(topic, null, context.timestamp(), keptKey, keptValue);
        Headers headers = letter.headers();
        copy(originalHeaders, headers);
        headers.add(DeadLetter.REASON, reason.label().getBytes(UTF_8));
        headers.add(DeadLetter.SOURCE_TOPIC, context.topic().getBytes(UTF_8));
        headers.add(DeadLetter.SOURCE_PARTITION, Integer.toString(context.partition()).getBytes(UTF_8));
        headers.add(DeadLetter.SOURCE_OFFSET, Long.toString(context.offset()).getBytes(UTF_8));
        headers.add(DeadLetter.EXCEPTION, exception.getClass().getName().getBytes(UTF_8));
        String message = String.valueOf(exception.getMessage());
        headers.add(DeadLetter.EXCEPTION_MESSAGE,
                message.substring(0, Math.min(message.length(), DeadLetter.MAX_MESSAGE_CHARS)).getBytes(UTF_8));
        if (keptValue != value) {
            headers.add(DeadLetter.ORIGINAL_VALUE_BYTES, Integer.toString(value.length).getBytes(UTF_8));
        }
        return List.of(letter);
    }

    /** Copies the headers that fit, in order; counts the others in {@link DeadLetter#DROPPED_HEADERS}. */
    private static void copy(Headers original, Headers letter) {
        if (original == null) {
            return;
        }
        int room = DeadLetter.MAX_ORIGINAL_HEADER_BYTES;
        int dropped = 0;
        for (Header header : original) {
            if (DeadLetter.isDeadLetterHeader(header.key())) {
                continue;
            }
            int size = header.key().getBytes(UTF_8).length + (header.value() == null ? 0 : header.value().length);
            if (size > room) {
                dropped++;
                continue;
            }
            room -= size;
            letter.add(header.key(), header.value());
        }
        if (dropped > 0) {
            letter.add(DeadLetter.DROPPED_HEADERS, Integer.toString(dropped).getBytes(UTF_8));
        }
    }
}
