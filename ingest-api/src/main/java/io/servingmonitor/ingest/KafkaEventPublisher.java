package io.servingmonitor.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes container events to {@link Topics#CONTAINER_EVENTS}, keyed by {@link ContainerKey}, with
 * an idempotent producer and {@code acks=all}: the stage completes only when every in-sync replica
 * has the event. When Kafka has not acknowledged it within the delivery timeout (the write
 * timeout), counted from the call, the stage fails with 503 {@code ApiException.unavailable}
 * instead of hanging: whatever held it up (metadata that never comes, a full buffer, a queue of
 * other sends each blocked up to the max-block time, retries to a partition without leader). An
 * event still waiting for {@code send()} then is not sent at all; one already handed to the
 * producer may still be stored later (a 503 says "not acknowledged", not "not written").
 *
 * <p>{@code send()} may block until metadata arrives, so it runs on a small executor with a bounded
 * queue, never on the HTTP thread; a full queue is answered 503 at once. The producer's callbacks
 * run on its I/O thread, so completions hop to another executor before the HTTP answer is written.
 */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);
    private static final Duration LINGER = Duration.ofMillis(5);
    private static final int SEND_THREADS = 2;
    private static final int COMPLETION_THREADS = 2;

    /**
     * Producer settings.
     *
     * @param bootstrapServers Kafka bootstrap servers
     * @param deliveryTimeout  longest wait for an acknowledgement, retries and queueing included: a
     *                         write is answered by then (the write timeout)
     * @param maxBlock         longest wait in {@code send()} for metadata or buffer space
     * @param sendQueueSize    events waiting for {@code send()} beyond which calls are refused with 503
     * @param overrides        further producer settings (security, compression...); may not
     *                         weaken acks or idempotence
     */
    public record Settings(String bootstrapServers, Duration deliveryTimeout, Duration maxBlock, int sendQueueSize,
                           Map<String, Object> overrides) {

        public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(10);
        public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(5);
        public static final int DEFAULT_SEND_QUEUE_SIZE = 10_000;

        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            if (deliveryTimeout.compareTo(LINGER.plusSeconds(1)) < 0) {
                throw new IllegalArgumentException("delivery timeout must be at least 1 s");
            }
            if (maxBlock.isNegative()) {
                throw new IllegalArgumentException("max block must not be negative");
            }
            if (sendQueueSize < 1) {
                throw new IllegalArgumentException("send queue size must be at least 1");
            }
            overrides = Map.copyOf(overrides);
        }

        /** The defaults: 10 s delivery timeout, 5 s max block. */
        public static Settings defaults(String bootstrapServers) {
            return new Settings(bootstrapServers, DEFAULT_DELIVERY_TIMEOUT, DEFAULT_MAX_BLOCK, DEFAULT_SEND_QUEUE_SIZE, Map.of());
        }

        public Settings withTimeouts(Duration newDeliveryTimeout, Duration newMaxBlock) {
            return new Settings(bootstrapServers, newDeliveryTimeout, newMaxBlock, sendQueueSize, overrides);
        }

        Map<String, Object> producerConfig() {
            Map<String, Object> config = new HashMap<>(overrides);
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ingest-api");
            // A write is answered 200 only once it survives the loss of the leader.
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            // Retries after a lost acknowledgement must not duplicate or reorder a container's events.
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.LINGER_MS_CONFIG, (int) LINGER.toMillis());
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
            // The producer requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.minus(LINGER).toMillis());
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(maxBlock.toMillis(), deliveryTimeout.toMillis()));
            return config;
        }
    }

    private final Producer<ContainerKey, ContainerEvent> producer;
    private final ExecutorService sender;
    private final ExecutorService completer;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Duration writeTimeout;

    public KafkaEventPublisher(Settings settings) {
        this.writeTimeout = settings.deliveryTimeout();
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemonThreads("ingest-kafka-deadline"));
        // Most writes are acknowledged long before their deadline: drop their timers at once.
        deadlines.setRemoveOnCancelPolicy(true);
        this.producer = new KafkaProducer<>(settings.producerConfig(),
                Serdes.containerKey().serializer(), Serdes.containerEvent().serializer());
        this.sender = new ThreadPoolExecutor(SEND_THREADS, SEND_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(settings.sendQueueSize()), daemonThreads("ingest-kafka-send"));
        this.completer = new ThreadPoolExecutor(COMPLETION_THREADS, COMPLETION_THREADS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("ingest-kafka-ack"));
    }

    @Override
    public CompletionStage<Void> publish(ContainerEvent event) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        try {
            ScheduledFuture<?> deadline = deadlines.schedule(() -> {
                if (stored.completeExceptionally(ApiException.unavailable("The event was not acknowledged by Kafka within "
                        + writeTimeout.toMillis() + " ms; retry later"))) {
                    LOG.warn("Event of {} not acknowledged by Kafka within {} ms", event.key(), writeTimeout.toMillis());
                }
            }, writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            stored.whenComplete((ignored, error) -> deadline.cancel(false));
        } catch (RejectedExecutionException e) {
            stored.completeExceptionally(ApiException.unavailable("The event publisher is closed; retry later"));
            return stored;
        }
        try {
            sender.execute(() -> {
                // Answered 503 while it waited in the queue: sending it now would store a write
                // the caller was told failed.
                if (!stored.isDone()) {
                    send(event, stored);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("Kafka send queue is full or closed; refusing event of {}", event.key());
            stored.completeExceptionally(ApiException.unavailable("Too many events waiting for Kafka; retry later"));
        }
        return stored;
    }

    private void send(ContainerEvent event, CompletableFuture<Void> stored) {
        ProducerRecord<ContainerKey, ContainerEvent> record =
                new ProducerRecord<>(Topics.CONTAINER_EVENTS, null, event.timestampMs(), event.key(), event);
        try {
            producer.send(record, (metadata, error) -> completeElsewhere(stored, error));
        } catch (RuntimeException e) {
            complete(stored, e);
        }
    }

    private void completeElsewhere(CompletableFuture<Void> stored, Exception error) {
        try {
            completer.execute(() -> complete(stored, error));
        } catch (RejectedExecutionException e) {
            complete(stored, error);
        }
    }

    private static void complete(CompletableFuture<Void> stored, Exception error) {
        if (error == null) {
            stored.complete(null);
        } else {
            stored.completeExceptionally(translate(error));
        }
    }

    /**
     * Kafka being unreachable, slow or failing over is 503 (the client may retry); an event over
     * the record size limit (the producer's or the broker's) is 413, the caller's request being too
     * large for it; an event we cannot serialize is our bug and stays as is (500, logged by the caller).
     */
    private static Throwable translate(Exception error) {
        if (error instanceof RecordTooLargeException) {
            LOG.warn("Event refused as too large for Kafka: {}", error.toString());
            return ApiException.eventTooLarge();
        }
        if (error instanceof SerializationException) {
            return error;
        }
        if (error instanceof KafkaException || error instanceof IllegalStateException) {
            LOG.warn("Event not stored in Kafka: {}", error.toString());
            return ApiException.unavailable("The event could not be stored in time; retry later");
        }
        return error;
    }

    /**
     * Publishes the producer's own metrics ({@code kafka.producer.*}: sends, errors, retries, batch
     * sizes, request latency...) to {@code registry} until the returned handle is closed. Close the
     * handle before this publisher.
     */
    public AutoCloseable bindMetrics(MeterRegistry registry) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(registry);
        return metrics;
    }

    /** Sends what is pending (waiting at most {@code timeout}) and releases the producer. */
    public void close(Duration timeout) {
        sender.shutdown();
        try {
            sender.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(timeout);
        completer.shutdown();
        deadlines.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
