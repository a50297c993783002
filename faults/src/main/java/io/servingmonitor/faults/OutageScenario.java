package io.servingmonitor.faults;

import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.faults.StatusLoad.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Promise 2, an outage is explicit: every broker of the cluster is killed. Writes sent then (some
 * at once, from several clients) must each be answered 503 with the envelope within the write
 * timeout (plus slack for a loaded machine), never 200 and never a hang; {@code /health/write}
 * and {@code /health} must turn 503 while {@code /health/live} stays 200. When the brokers are
 * back, without touching the service, writes must be answered 200 again, readiness 200, and a
 * write made after the recovery must show in {@code get_endpoint_details}.
 */
public final class OutageScenario extends ClusterScenario {

    public static final String NAME = "outage";
    private static final String URL = "/outage";
    private static final String CONTAINER = "outage-c";
    private static final int CLIENTS = 6;
    private static final int WRITES_PER_CLIENT = 2;
    /** What the machine may add to the write timeout: HTTP, scheduling on a loaded box. */
    static final Duration SLACK = Duration.ofSeconds(5);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(3);

    public OutageScenario() {
        super(NAME);
    }

    @Override
    void check(FaultOptions options, ClusterService service, Figures.Builder figures) throws Exception {
        long bound = options.writeTimeout().plus(SLACK).toMillis();
        ServingClient client = service.client();
        long seq = 0;
        figures.check(firstOk(client, ++seq, Duration.ofMinutes(1)) != null, "no write acknowledged before the outage");
        figures.check(service.awaitStatus("/health/write", 200, Duration.ofSeconds(30)) != null,
                "/health/write was not 200 before the outage");

        service.cluster.nodeIds().forEach(service.cluster::kill);

        long okDuring = 0;
        long unavailableDuring = 0;
        long otherDuring = 0;
        long maxAnswer = 0;
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<long[]>> answers = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                long first = seq + 1 + (long) c * WRITES_PER_CLIENT;
                answers.add(clients.submit(() -> {
                    long[] result = new long[2 * WRITES_PER_CLIENT];
                    for (int w = 0; w < WRITES_PER_CLIENT; w++) {
                        long start = System.nanoTime();
                        int status = statusOf(client, first + w);
                        result[2 * w] = status;
                        result[2 * w + 1] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    }
                    return result;
                }));
            }
            seq += (long) CLIENTS * WRITES_PER_CLIENT;
            for (Future<long[]> answer : answers) {
                long[] result = answer.get(5, TimeUnit.MINUTES);
                for (int w = 0; w < WRITES_PER_CLIENT; w++) {
                    long status = result[2 * w];
                    maxAnswer = Math.max(maxAnswer, result[2 * w + 1]);
                    if (status == 200) {
                        okDuring++;
                    } else if (status == 503) {
                        unavailableDuring++;
                    } else {
                        otherDuring++;
                    }
                }
            }
        } finally {
            clients.shutdownNow();
        }
        Duration writeUnready = service.awaitStatus("/health/write", 503, Duration.ofSeconds(30));
        int healthDuring = service.status("/health");
        int liveDuring = service.status("/health/live");

        Thread.sleep(options.downFor().toMillis());
        long restartedAt = System.nanoTime();
        service.cluster.restart(service.cluster.nodeIds());
        Duration writeBack = firstOk(client, ++seq, RECOVERY_TIMEOUT);
        long writeBackAt = System.nanoTime();
        long lastOk = seq;
        Duration writeReady = service.awaitStatus("/health/write", 200, RECOVERY_TIMEOUT);
        Duration ready = service.awaitStatus("/health", 200, RECOVERY_TIMEOUT);
        List<String> notShown = writeBack == null ? List.of("no write after the outage")
                : StoreCheck.mismatches(client, Map.of(CONTAINER, URL), Map.of(CONTAINER, lastOk), RECOVERY_TIMEOUT);

        figures.put("writes_during_outage", (long) CLIENTS * WRITES_PER_CLIENT)
                .put("answered_503", unavailableDuring)
                .put("answered_200", okDuring)
                .put("answered_otherwise", otherDuring)
                .put("max_answer_ms", maxAnswer)
                .put("bound_ms", bound)
                .put("health_write_503_after_ms", writeUnready == null ? -1 : writeUnready.toMillis())
                .put("health_during_outage", healthDuring)
                .put("health_live_during_outage", liveDuring)
                .put("write_200_again_after_restart_ms", writeBack == null ? -1
                        : TimeUnit.NANOSECONDS.toMillis(writeBackAt - restartedAt))
                .put("reads_show_the_write_after_recovery", notShown.isEmpty() ? 1 : 0);
        figures.check(okDuring == 0, okDuring + " writes answered 200 with every broker down")
                .check(otherDuring == 0, otherDuring + " writes answered neither 503 nor 200 during the outage")
                .check(maxAnswer <= bound, "a write took " + maxAnswer + " ms to answer, over " + bound + " ms")
                .check(writeUnready != null, "/health/write did not turn 503 with every broker down")
                .check(healthDuring == 503, "/health answered " + healthDuring + " with every broker down")
                .check(liveDuring == 200, "/health/live answered " + liveDuring + " with every broker down")
                .check(writeBack != null, "writes were not answered 200 again within " + RECOVERY_TIMEOUT.toSeconds()
                        + " s of the brokers' restart")
                .check(writeReady != null, "/health/write did not turn 200 again")
                .check(ready != null, "/health did not turn 200 again (Streams: not RUNNING)")
                .check(notShown.isEmpty(), "reads after the recovery: " + notShown);
    }

    /** Sends reports until one is acknowledged; how long that took, or null. */
    private static Duration firstOk(ServingClient client, long seq, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (statusOf(client, seq) == 200) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(500);
        }
        return null;
    }

    /** The status of one report; 503 counts only with the envelope saying so too; -1 when not answered. */
    private static int statusOf(ServingClient client, long seq) {
        try {
            Reply reply = client.post("serving.container_status_report", StatusLoad.report(URL, new Write(CONTAINER, seq)));
            return reply.status() == reply.resultCode() ? reply.status() : -reply.status();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
