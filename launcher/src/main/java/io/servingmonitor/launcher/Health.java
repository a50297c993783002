package io.servingmonitor.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.servingmonitor.processor.StreamsRunner;
import io.servingmonitor.topics.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The health endpoints, each 200 or 503 with the same body ({@code status}, {@code kafka},
 * {@code streams}, and {@code streams_failure} once Streams gave up):
 *
 * <ul>
 *   <li>{@code GET /health}: both of the next two (Kafka answers and Streams is RUNNING);</li>
 *   <li>{@code GET /health/write}: this node can take writes, which need Kafka only: 200 while
 *       the brokers answer, whatever Streams does (a rebalance, a restore);</li>
 *   <li>{@code GET /health/read}: this node can answer reads from its stores: 200 while Streams is
 *       RUNNING (503 while it rebalances or restores);</li>
 *   <li>{@code GET /health/live}: the process is worth keeping: 200 unless Streams is in ERROR
 *       or shutting down, which only a restart cures.</li>
 * </ul>
 *
 * <p>A node without Kafka Streams (an ingest node) has no {@code /health/read}; its {@code /health}
 * is {@code /health/write}, its {@code /health/live} is 200 while the process runs, and its body
 * has no {@code streams}. A node that takes no writes (a query node) has no {@code /health/write}.
 *
 * <p>When the Streams client was shut down because its threads kept failing, {@code "streams":
 * "ERROR"} (or {@code PENDING_ERROR} while it stops) comes with {@code "streams_failure"} saying
 * so; it stays so until a restart. The broker check is cached briefly so that a load balancer
 * polling often does not load the cluster.
 */
final class Health {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Admin admin;
    private final StreamsRunner streams;
    private volatile long checkedAtNanos;
    private volatile boolean kafkaReachable;

    /** @param streams this node's Kafka Streams, or null for a node that runs none (an ingest node) */
    Health(Admin admin, StreamsRunner streams) {
        this.admin = admin;
        this.streams = streams;
    }

    /** {@code GET /health}: ready for what this node serves: Kafka answers, and its Streams (if any) is RUNNING. */
    void handle(Context ctx) {
        boolean kafka = kafkaReachable();
        KafkaStreams.State state = state();
        answer(ctx, kafka && (state == null || state == KafkaStreams.State.RUNNING), kafka, state);
    }

    /** {@code GET /health/write}: Kafka answers; Streams does not matter to a write. */
    void write(Context ctx) {
        boolean kafka = kafkaReachable();
        answer(ctx, kafka, kafka, state());
    }

    /** {@code GET /health/read}: the stores are RUNNING. */
    void read(Context ctx) {
        KafkaStreams.State state = state();
        answer(ctx, state == KafkaStreams.State.RUNNING, kafkaReachable(), state);
    }

    /** {@code GET /health/live}: not failed for good nor shutting down. */
    void live(Context ctx) {
        KafkaStreams.State state = state();
        boolean alive = state == null || switch (state) {
            case CREATED, REBALANCING, RUNNING -> true;
            case PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR -> false;
        };
        answer(ctx, alive, kafkaReachable(), state);
    }

    private void answer(Context ctx, boolean healthy, boolean kafka, KafkaStreams.State state) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", healthy ? "ok" : "unavailable");
        body.put("kafka", kafka ? "reachable" : "unreachable");
        if (streams != null) {
            body.put("streams", state.name());
            streams.failure().ifPresent(reason -> body.put("streams_failure", reason));
        }
        try {
            ctx.status(healthy ? 200 : 503).contentType("application/json").result(Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private KafkaStreams.State state() {
        return streams == null ? null : streams.state();
    }

    private boolean kafkaReachable() {
        long now = System.nanoTime();
        if (now - checkedAtNanos < CACHE_NANOS) {
            return kafkaReachable;
        }
        boolean reachable;
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) CHECK_TIMEOUT.toMillis()))
                    .nodes().get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            reachable = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reachable = false;
        } catch (Exception e) {
            reachable = false;
        }
        kafkaReachable = reachable;
        checkedAtNanos = now;
        return reachable;
    }
}
