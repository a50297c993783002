package io.servingmonitor.faults;

import io.servingmonitor.faults.StatusLoad.Write;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The status reports on {@code container-events}, as a plain {@code read_committed} consumer
 * sees them: how often each {@link Write} is there, and each container's last report (a
 * container's events are on one partition, so the last by offset).
 */
record EventLog(Map<Write, Integer> occurrences, Map<String, Long> lastSeq) {

    /** Reads the topic from its beginning to its end offsets at the time of the call. */
    static EventLog read(String bootstrapServers, Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(java.util.Locale.ROOT),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<Write, Integer> occurrences = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CONTAINER_EVENTS, timeout).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("container-events not read to its end within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    ContainerEvent event = Serdes.containerEvent().deserializer().deserialize(record.topic(), record.value());
                    if (event.type() == ContainerEventType.STATUS_REPORT && event.load() != null
                            && event.load().requestsNum() != null) {
                        occurrences.merge(new Write(event.containerId(), event.load().requestsNum()), 1, Integer::sum);
                        lastSeq.put(event.containerId(), event.load().requestsNum());
                    }
                }
            }
        }
        return new EventLog(occurrences, lastSeq);
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Writes found more than once. */
    long duplicates() {
        return occurrences.values().stream().filter(n -> n > 1).count();
    }
}
