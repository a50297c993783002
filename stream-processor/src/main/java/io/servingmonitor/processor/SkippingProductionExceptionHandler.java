package io.servingmonitor.processor;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a record the topology emits (to a changelog, a repartition or an output topic)
 * that cannot be written: skipped when the failure belongs to that record and would repeat on
 * every retry, retried when the cluster may heal, else the stream thread fails.
 *
 * <ul>
 *   <li>{@link RecordTooLargeException} (over the producer's {@code max.request.size} or the
 *       topic's {@code max.message.bytes}) and a record whose key or value cannot be serialized:
 *       resume. Retrying can never succeed for the same bytes, and failing would kill the thread
 *       again on the same input after every restart. The record is logged once (topic, partition,
 *       key and value size, never the bytes) and counted as {@link SkippedRecords.Reason#PRODUCTION}.
 *       The record is lost: a changelog misses one update, an output topic one row.</li>
 *   <li>A {@link RetriableException} (a timeout, no leader, not enough replicas): retry, as Kafka's
 *       default handler does; Streams restarts the task from its last commit.</li>
 *   <li>Anything else (authorization, an unknown topic, a broken producer): fail. It is not
 *       about one record, so skipping would silently drop every record after it.</li>
 * </ul>
 *
 * <p>Under exactly-once a record the producer refuses also puts the transaction in an abortable
 * state, so the task's transaction is aborted at the next commit even though the handler resumed;
 * the stream thread then fails and the runner's thread-failure policy bounds the retries. The
 * handler still keeps the first failure from being fatal and makes it visible in the count.
 */
public final class SkippingProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SkippingProductionExceptionHandler.class);

    private SkippedRecords skipped;

    @Override
    public void configure(Map<String, ?> configs) {
        skipped = SkippedRecords.from(configs, getClass());
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            skipped.record(SkippedRecords.Reason.PRODUCTION);
            LOG.error("a record for {} (partition {}, key {} bytes, value {} bytes; from {}-{} offset {}) is too large "
                            + "to be written and is skipped: {}",
                    record.topic(), record.partition(), size(record.key()), size(record.value()),
                    context.topic(), context.partition(), context.offset(), exception.getMessage());
            return Response.resume();
        }
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        skipped.record(SkippedRecords.Reason.PRODUCTION);
        LOG.error("the {} of a record for {} (from {}-{} offset {}) cannot be serialized and the record is skipped: {}",
                origin.name().toLowerCase(java.util.Locale.ROOT), record.topic(), context.topic(), context.partition(),
                context.offset(), exception.getClass().getName());
        return Response.resume();
    }

    private static int size(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
