package io.servingmonitor.processor;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>Limit under exactly-once (our processing guarantee): a record the producer refuses also puts
 * its transaction in an abortable state, so even though the handler resumes, the next send or
 * commit of the task fails, the transaction (with the records before the refused one) is aborted
 * and the stream thread dies; the replacement meets the same input again. The runner's
 * {@link ThreadFailurePolicy} bounds that loop and shuts the client down (state ERROR, visible in
 * {@code /health}); the count shows the cause. Skipping a too-large record really works only
 * when it is refused before it reaches the transaction; the state layout keeps every stored value
 * small so that this does not happen.
 */
public final class SkippingProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SkippingProductionExceptionHandler.class);

    private SkippedRecords skipped;
    /**
     * Under exactly-once the producer answers the sends after a refused record with that same
     * exception (its transaction is aborting): one record, so logged and counted once.
     */
    private final AtomicReference<Exception> lastTooLarge = new AtomicReference<>();

    @Override
    public void configure(Map<String, ?> configs) {
        skipped = SkippedRecords.from(configs, getClass());
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            if (lastTooLarge.getAndSet(exception) == exception) {
                return Response.resume();
            }
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
