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
 * {@code GET /health}: 200 only when the Kafka brokers answer and the Streams instance is
 * RUNNING, else 503; the body says which part is not ready. When the Streams client was shut down
 * because its threads kept failing, {@code "streams": "ERROR"} (or {@code PENDING_ERROR} while it
 * stops) comes with {@code "streams_failure"} saying so; it stays so until a restart. The broker
 * check is cached briefly so that a load balancer polling often does not load the cluster.
 */
final class Health {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Admin admin;
    private final StreamsRunner streams;
    private volatile long checkedAtNanos;
    private volatile boolean kafkaReachable;

    Health(Admin admin, StreamsRunner streams) {
        this.admin = admin;
        this.streams = streams;
    }

    void handle(Context ctx) {
        boolean kafka = kafkaReachable();
        KafkaStreams.State state = streams.state();
        boolean healthy = kafka && state == KafkaStreams.State.RUNNING;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", healthy ? "ok" : "unavailable");
        body.put("kafka", kafka ? "reachable" : "unreachable");
        body.put("streams", state.name());
        streams.failure().ifPresent(reason -> body.put("streams_failure", reason));
        try {
            ctx.status(healthy ? 200 : 503).contentType("application/json").result(Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
