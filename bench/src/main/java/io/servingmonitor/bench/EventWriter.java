package io.servingmonitor.bench;

import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes bench events straight into {@code container-events} with a plain producer configured
 * as the ingest API's durability demands (acks=all, idempotent), keyed and serialized exactly as
 * the ingest API does ({@link Serdes#containerKey()}, {@link Serdes#containerEvent()}), with the
 * event's timestamp as the record timestamp. Its send rate is the producer ceiling.
 */
public final class EventWriter {

    private static final int BATCH_BYTES = 256 * 1024;
    private static final int LINGER_MS = 5;

    private EventWriter() {
    }

    /** The result of one {@link #write}: how many were acknowledged, failed, and how long it took. */
    public record Written(long acked, long failed, Duration elapsed) {
        public double perSecond() {
            return acked / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    /** Sends events {@code 0..count-1} of {@code events} and waits until every one was acknowledged. */
    public static Written write(String bootstrapServers, long count, LongFunction<ContainerEvent> events) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, LINGER_MS,
                ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-writer");
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        try (KafkaProducer<ContainerKey, ContainerEvent> producer = new KafkaProducer<>(config,
                Serdes.containerKey().serializer(), Serdes.containerEvent().serializer())) {
            producer.partitionsFor(Topics.CONTAINER_EVENTS); // metadata first: not part of the rate
            long start = System.nanoTime();
            for (long i = 0; i < count; i++) {
                ContainerEvent event = events.apply(i);
                producer.send(new ProducerRecord<>(Topics.CONTAINER_EVENTS, null, event.timestampMs(), event.key(), event),
                        (metadata, error) -> {
                            if (error == null) {
                                acked.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                firstError.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (firstError.get() != null) {
                System.err.println("bench: " + failed.get() + " events not written: " + firstError.get());
            }
            return new Written(acked.get(), failed.get(), elapsed);
        }
    }
}
