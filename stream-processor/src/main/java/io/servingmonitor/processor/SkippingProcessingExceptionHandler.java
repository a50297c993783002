package io.servingmonitor.processor;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exception a processor throws for one record: logged (source topic, partition, offset,
 * processor, exception; never the record's key or value, which hold customer data), counted as
 * {@link SkippedRecords.Reason#PROCESSING}, and the record skipped, so that one record the code
 * cannot handle does not kill the stream thread again after every restart.
 *
 * <p>A {@link StreamsException} is not skipped: Kafka Streams raises those for its own failures
 * (a state store that cannot be written, a record the production handler chose to fail on), which
 * the next record would meet again; the thread fails and the runner's thread-failure policy
 * decides. Store writes the processor made for the skipped record before it threw are kept.
 */
public final class SkippingProcessingExceptionHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SkippingProcessingExceptionHandler.class);

    private SkippedRecords skipped;

    @Override
    public void configure(Map<String, ?> configs) {
        skipped = SkippedRecords.from(configs, getClass());
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof StreamsException) {
            LOG.error("Kafka Streams failed in processor {} (task {}, from {}-{} offset {}): {}; not skipped, the stream thread fails",
                    context.processorNodeId(), context.taskId(), context.topic(), context.partition(), context.offset(),
                    exception.toString());
            return Response.fail();
        }
        skipped.record(SkippedRecords.Reason.PROCESSING);
        LOG.warn("processor {} failed on a record (task {}, from {}-{} offset {}); the record is skipped",
                context.processorNodeId(), context.taskId(), context.topic(), context.partition(), context.offset(),
                exception);
        return Response.resume();
    }
}
