package io.servingmonitor.processor;

import io.servingmonitor.topics.DeadLetter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exception a processor throws for one record: logged (source topic, partition, offset,
 * processor, exception; never the record's key or value, which hold customer data), counted as
 * {@link SkippedRecords.Reason#PROCESSING} (or the reason of a {@link PoisonRecordException}), sent
 * with the source record's original bytes and headers to the dead letters ({@link DeadLetters}), and the record
 * skipped, so that one record the code cannot handle does not kill the stream thread again after
 * every restart.
 *
 * <p>A {@link StreamsException} is not skipped: Kafka Streams raises those for its own failures
 * (a state store that cannot be written, a record the production handler chose to fail on), which
 * the next record would meet again; the thread fails and the runner's thread-failure policy
 * decides. Store writes the processor made for the skipped record before it threw are kept.
 */
public final class SkippingProcessingExceptionHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SkippingProcessingExceptionHandler.class);

    private SkippedRecords skipped;
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        skipped = SkippedRecords.from(configs, getClass());
        deadLetters = DeadLetters.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof StreamsException) {
            LOG.error("Kafka Streams failed in processor {} (task {}, from {}-{} offset {}): {}; not skipped, the stream thread fails",
                    context.processorNodeId(), context.taskId(), context.topic(), context.partition(), context.offset(),
                    exception.toString());
            return Response.fail();
        }
        List<ProducerRecord<byte[], byte[]>> letters;
        if (exception instanceof PoisonRecordException poison) {
            skipped.record(SkippedRecords.Reason.of(poison.reason()));
            LOG.warn("processor {} refused a record (task {}, from {}-{} offset {}: {}: {}); it goes to the dead letters",
                    context.processorNodeId(), context.taskId(), context.topic(), context.partition(), context.offset(),
                    poison.reason().label(), poison.getMessage());
            letters = deadLetters.of(poison.reason(), context, context.sourceRawKey(), context.sourceRawValue(), context.headers(), poison);
        } else {
            skipped.record(SkippedRecords.Reason.PROCESSING);
            LOG.warn("processor {} failed on a record (task {}, from {}-{} offset {}); the record goes to the dead letters"
                            + " and is skipped", context.processorNodeId(), context.taskId(), context.topic(),
                    context.partition(), context.offset(), exception);
            letters = deadLetters.of(DeadLetter.Reason.PROCESSING, context, context.sourceRawKey(),
                    context.sourceRawValue(), context.headers(), exception);
        }
        return Response.resume(letters);
    }
}
