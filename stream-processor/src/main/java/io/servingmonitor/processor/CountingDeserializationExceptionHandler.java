package io.servingmonitor.processor;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Kafka's {@link LogAndContinueExceptionHandler} (an input record that cannot be deserialized is
 * logged with its topic, partition and offset, and skipped: the thread would otherwise die on it
 * again after every restart), also counted as {@link SkippedRecords.Reason#DESERIALIZATION}.
 */
public final class CountingDeserializationExceptionHandler extends LogAndContinueExceptionHandler {

    private SkippedRecords skipped;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        skipped = SkippedRecords.from(configs, getClass());
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        Response response = super.handleError(context, record, exception);
        skipped.record(SkippedRecords.Reason.DESERIALIZATION);
        return response;
    }
}
