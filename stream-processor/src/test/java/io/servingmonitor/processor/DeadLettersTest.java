package io.servingmonitor.processor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.topics.DeadLetter;
import io.servingmonitor.topics.Topics;
import java.util.Arrays;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final Map<String, Object> CONFIGS =
            Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.CONTAINER_EVENTS_DLQ);

    @Test
    void deadLetterCarriesTheBytesTheReasonAndWhereTheRecordCameFrom() {
        byte[] key = "k".getBytes(UTF_8);
        byte[] value = "not json".getBytes(UTF_8);

        ProducerRecord<byte[], byte[]> letter = DeadLetters.from(CONFIGS)
                .of(DeadLetter.Reason.NOT_JSON, context(3, 17), key, value, null, new IllegalStateException("why")).get(0);

        assertThat(letter.topic()).isEqualTo(Topics.CONTAINER_EVENTS_DLQ);
        assertThat(letter.key()).isEqualTo(key);
        assertThat(letter.value()).isEqualTo(value);
        assertThat(header(letter, DeadLetter.REASON)).isEqualTo("not-json");
        assertThat(header(letter, DeadLetter.SOURCE_TOPIC)).isEqualTo(Topics.CONTAINER_EVENTS);
        assertThat(header(letter, DeadLetter.SOURCE_PARTITION)).isEqualTo("3");
        assertThat(header(letter, DeadLetter.SOURCE_OFFSET)).isEqualTo("17");
        assertThat(header(letter, DeadLetter.EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(letter, DeadLetter.EXCEPTION_MESSAGE)).isEqualTo("why");
        assertThat(letter.headers().lastHeader(DeadLetter.ORIGINAL_VALUE_BYTES)).isNull();
    }

    @Test
    void valueThatWouldNotFitIsCutAndItsSizeKept() {
        byte[] key = new byte[100];
        byte[] value = new byte[3 * 1024 * 1024];
        Arrays.fill(value, (byte) 'x');

        ProducerRecord<byte[], byte[]> letter = DeadLetters.from(CONFIGS)
                .of(DeadLetter.Reason.TOO_LARGE, context(0, 1), key, value, null, new IllegalStateException("big")).get(0);

        assertThat(letter.key().length + letter.value().length).isEqualTo(DeadLetter.MAX_PAYLOAD_BYTES);
        assertThat(header(letter, DeadLetter.ORIGINAL_VALUE_BYTES)).isEqualTo(Integer.toString(value.length));
    }

    @Test
    void originalHeadersComeFirstAsTheyWereAndOnesNamedLikeTheDeadLettersOwnAreNotCopied() {
        Headers original = new RecordHeaders()
                .add("trace-id", "t-1".getBytes(UTF_8))
                .add("empty", null)
                .add("trace-id", "t-2".getBytes(UTF_8))
                .add(DeadLetter.REASON, "forged".getBytes(UTF_8))
                .add(DeadLetter.SOURCE_OFFSET, "999".getBytes(UTF_8));

        ProducerRecord<byte[], byte[]> letter = DeadLetters.from(CONFIGS)
                .of(DeadLetter.Reason.NOT_JSON, context(0, 5), null, new byte[1], original, new IllegalStateException()).get(0);

        var headers = letter.headers().toArray();
        assertThat(headers[0].key()).isEqualTo("trace-id");
        assertThat(headers[0].value()).isEqualTo("t-1".getBytes(UTF_8));
        assertThat(headers[1].key()).isEqualTo("empty");
        assertThat(headers[1].value()).isNull();
        assertThat(headers[2].value()).isEqualTo("t-2".getBytes(UTF_8));
        assertThat(letter.headers().headers(DeadLetter.REASON)).hasSize(1);
        assertThat(header(letter, DeadLetter.REASON)).isEqualTo("not-json");
        assertThat(header(letter, DeadLetter.SOURCE_OFFSET)).isEqualTo("5");
        assertThat(letter.headers().lastHeader(DeadLetter.DROPPED_HEADERS)).isNull();
    }

    @Test
    void originalHeadersBeyondTheirBudgetAreLeftOutAndCounted() {
        Headers original = new RecordHeaders()
                .add("small", "s".getBytes(UTF_8))
                .add("huge", new byte[DeadLetter.MAX_ORIGINAL_HEADER_BYTES])
                .add("after", "a".getBytes(UTF_8));

        ProducerRecord<byte[], byte[]> letter = DeadLetters.from(CONFIGS)
                .of(DeadLetter.Reason.NOT_JSON, context(0, 5), null, new byte[1], original, new IllegalStateException()).get(0);

        assertThat(header(letter, "small")).isEqualTo("s");
        assertThat(letter.headers().lastHeader("huge")).isNull();
        assertThat(header(letter, "after")).isEqualTo("a");
        assertThat(header(letter, DeadLetter.DROPPED_HEADERS)).isEqualTo("1");
    }

    @Test
    void withoutADeadLetterTopicOrASourceRecordThereIsNone() {
        assertThat(DeadLetters.from(Map.of()).of(DeadLetter.Reason.PROCESSING, context(0, 1), null, null, null,
                new IllegalStateException())).isEmpty();
        ErrorHandlerContext punctuation = new Context(null, -1, -1);
        assertThat(DeadLetters.from(CONFIGS).of(DeadLetter.Reason.PROCESSING, punctuation, null, null, null,
                new IllegalStateException())).isEmpty();
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), UTF_8);
    }

    private static ErrorHandlerContext context(int partition, long offset) {
        return new Context(Topics.CONTAINER_EVENTS, partition, offset);
    }

    /** The context of a record of {@code topic} (null: a punctuation). */
    private record Context(String topic, int partition, long offset) implements ErrorHandlerContext {
        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "source";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 1_700_000_000_000L;
        }

        @Override
        public byte[] sourceRawKey() {
            return null;
        }

        @Override
        public byte[] sourceRawValue() {
            return null;
        }
    }

}
