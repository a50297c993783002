package io.servingmonitor.processor;

import io.servingmonitor.topics.ContainerEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of a {@link ContainerEvent}: the instant the ingest API accepted the call, which is
 * what windows and stream time must follow even if a producer set another record timestamp.
 * Falls back to the record timestamp for a value that carries none.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof ContainerEvent event && event.timestampMs() > 0) {
            return event.timestampMs();
        }
        return record.timestamp();
    }
}
