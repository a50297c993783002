package io.servingmonitor.faults;

import io.servingmonitor.faults.StatusLoad.Write;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The status reports on {@code container-events}, as a plain {@code read_committed} consumer
 * sees them: how often each {@link Write} is there, and each container's last report (a
 * container's events are on one partition, so the last by offset).
 */
record EventLog(Map<Write, Integer> occurrences, Map<String, Long> lastSeq) {

    /** Reads the topic from its beginning to its end offsets at the time of the call. */
    static EventLog read(String bootstrapServers, Duration timeout) {
        Map<Write, Integer> occurrences = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        for (ConsumerRecord<byte[], ContainerEvent> record : TopicReader.readAll(bootstrapServers,
                Topics.CONTAINER_EVENTS, new ByteArrayDeserializer(), Serdes.containerEvent().deserializer(), timeout)) {
            ContainerEvent event = record.value();
            if (event.type() == ContainerEventType.STATUS_REPORT && event.load() != null
                    && event.load().requestsNum() != null) {
                occurrences.merge(new Write(event.containerId(), event.load().requestsNum()), 1, Integer::sum);
                lastSeq.put(event.containerId(), event.load().requestsNum());
            }
        }
        return new EventLog(occurrences, lastSeq);
    }

    /** Writes found more than once. */
    long duplicates() {
        return occurrences.values().stream().filter(n -> n > 1).count();
    }
}
