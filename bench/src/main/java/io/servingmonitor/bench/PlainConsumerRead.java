package io.servingmonitor.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The transport ceiling of processing: a plain consumer (no group, no deserialization: bytes)
 * reading the given offset range of every partition, as fast as the broker serves it.
 */
public final class PlainConsumerRead {

    private static final Duration POLL = Duration.ofMillis(200);

    private PlainConsumerRead() {
    }

    /** Reads {@code from}..{@code to} of every partition (at most {@code cap}); returns records/s. */
    public static double read(String bootstrapServers, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to,
                              Duration cap) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-plain-consumer");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>(to.keySet());
            consumer.assign(partitions);
            partitions.forEach(p -> consumer.seek(p, from.getOrDefault(p, 0L)));
            long wanted = GroupOffsets.total(to) - GroupOffsets.total(from);
            long read = 0;
            long start = System.nanoTime();
            long deadline = start + cap.toNanos();
            while (read < wanted && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                read += records.count();
            }
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }
}
