package io.servingmonitor.processor;

import io.servingmonitor.topics.ContainerEvent;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event time of a {@link ContainerEvent}: the instant the ingest API accepted the call, trusted
 * only within {@code maxClockSkew} of the record timestamp, which on
 * {@link io.servingmonitor.topics.Topics#CONTAINER_EVENTS} is the broker's append time
 * ({@code LogAppendTime}). Farther off, in either direction, the event's time is the append time:
 * one ingest host whose clock jumps ahead would otherwise move stream time for good (later honest
 * reports dropped as too late for their windows, the registry ignoring them as stale), and one
 * whose clock is behind would make its containers look silent. A value that carries no time
 * takes the append time too.
 *
 * <p>A time ahead of the append time is trusted by at most {@link #MAX_FUTURE} whatever the
 * allowed skew: every record the topology writes (changelogs, repartition, output topics) carries
 * the event's time, and Kafka 4 brokers refuse a record stamped more than an hour ahead of their
 * clock ({@code log.message.timestamp.after.max.ms}); a refused changelog write would fail the
 * stream thread on every retry of that event.
 *
 * <p>The clamped time is the record timestamp from here on; the registry keeps and forwards it as
 * the event's time, so the windows a report counts in and the times reads show agree.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    private static final Logger LOG = LoggerFactory.getLogger(EventTimeExtractor.class);

    /**
     * The farthest ahead of its append time an event's own time is trusted: Kafka's default
     * {@code log.message.timestamp.after.max.ms} (1 h), less a minute for the time between the
     * append and the writes that carry it.
     */
    public static final Duration MAX_FUTURE = Duration.ofMinutes(59);

    private final long maxSkewMs;
    private final long maxAheadMs;

    public EventTimeExtractor(Duration maxClockSkew) {
        if (maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("the clock skew must not be negative: " + maxClockSkew);
        }
        this.maxSkewMs = maxClockSkew.toMillis();
        this.maxAheadMs = Math.min(maxSkewMs, MAX_FUTURE.toMillis());
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long appended = record.timestamp();
        if (!(record.value() instanceof ContainerEvent event) || event.timestampMs() <= 0) {
            return appended;
        }
        long eventTime = event.timestampMs();
        long ahead = eventTime - appended;
        if (appended < 0 || ahead >= 0 && ahead <= maxAheadMs || ahead < 0 && -ahead <= maxSkewMs) {
            return eventTime;
        }
        LOG.debug("an event of {}-{} offset {} is stamped {} ms from its append time; the append time is its time",
                record.topic(), record.partition(), record.offset(), eventTime - appended);
        return appended;
    }
}
