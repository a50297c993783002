package io.servingmonitor.processor;

import io.servingmonitor.topics.DeadLetter;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input record that cannot be deserialized is skipped (the thread would otherwise die on it
 * again after every restart): sent with its original bytes and headers to the dead letters ({@link DeadLetters}),
 * counted in {@link SkippedRecords} under its reason ({@link PoisonRecordException#reason()}, else
 * {@code deserialization}), and logged with topic, partition, offset, reason and exception class,
 * never the record's content (a parser's message quotes it).
 */
public final class CountingDeserializationExceptionHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CountingDeserializationExceptionHandler.class);

    private SkippedRecords skipped;
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        skipped = SkippedRecords.from(configs, getClass());
        deadLetters = DeadLetters.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        DeadLetter.Reason reason = exception instanceof PoisonRecordException poison
                ? poison.reason() : DeadLetter.Reason.DESERIALIZATION;
        skipped.record(SkippedRecords.Reason.of(reason));
        String why = exception instanceof PoisonRecordException ? exception.getMessage() : exception.getClass().getName();
        LOG.warn("a record of {}-{} offset {} cannot be read ({}: {}); it goes to the dead letters and is skipped",
                record.topic(), record.partition(), record.offset(), reason.label(), why);
        return Response.resume(deadLetters.of(reason, context, record.key(), record.value(), record.headers(), exception));
    }
}
