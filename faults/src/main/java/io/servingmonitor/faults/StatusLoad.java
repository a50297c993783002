package io.servingmonitor.faults;

import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A steady load of status reports through HTTP: each writer thread reports for its own
 * containers in turn, all on one url per writer, and each report carries the container's next
 * sequence number in {@code requests_num} (and {@code uptime_sec}), so every write is one
 * {@link Write} that can be looked for in {@code container-events} and in the stores. Every
 * answer is recorded: 200 (acknowledged), 503 (allowed during a failover, not acknowledged) or
 * anything else (a broken promise).
 */
final class StatusLoad implements AutoCloseable {

    /** One report: a container and its sequence number. */
    record Write(String containerId, long seq) {
    }

    private static final long PAUSE_MILLIS = 20;

    private final ServingClient client;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, String> urlOfContainer = new ConcurrentHashMap<>();
    private final Set<Write> acknowledged = ConcurrentHashMap.newKeySet();
    private final LongAdder sent = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final LongAdder other = new LongAdder();
    private final AtomicLong maxAnswerNanos = new AtomicLong();
    private final List<String> otherAnswers = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopped;

    private StatusLoad(ServingClient client) {
        this.client = client;
    }

    /** Starts {@code writers} threads of {@code containers} containers each, on urls named after {@code prefix}. */
    static StatusLoad start(ServingClient client, String prefix, int writers, int containers) {
        StatusLoad load = new StatusLoad(client);
        for (int w = 0; w < writers; w++) {
            String url = "/" + prefix + "/w" + w;
            List<String> ids = new ArrayList<>();
            for (int c = 0; c < containers; c++) {
                String id = prefix + "-w" + w + "-c" + c;
                ids.add(id);
                load.urlOfContainer.put(id, url);
            }
            Thread thread = new Thread(() -> load.write(url, ids), prefix + "-writer-" + w);
            thread.setDaemon(true);
            load.threads.add(thread);
        }
        load.threads.forEach(Thread::start);
        return load;
    }

    private void write(String url, List<String> ids) {
        long[] seq = new long[ids.size()];
        while (!stopped) {
            for (int i = 0; i < ids.size() && !stopped; i++) {
                Write write = new Write(ids.get(i), ++seq[i]);
                send(url, write);
                try {
                    Thread.sleep(PAUSE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void send(String url, Write write) {
        long start = System.nanoTime();
        int status;
        int resultCode = -1;
        try {
            Reply reply = client.post("serving.container_status_report", report(url, write));
            status = reply.status();
            resultCode = reply.resultCode();
        } catch (RuntimeException e) {
            status = -1;
        }
        maxAnswerNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
        sent.increment();
        if (status == 200 && resultCode == 200) {
            acknowledged.add(write);
        } else if (status == 503 && resultCode == 503) {
            unavailable.increment();
        } else {
            other.increment();
            if (otherAnswers.size() < 10) {
                otherAnswers.add(write + " answered " + status + "/" + resultCode);
            }
        }
    }

    static String report(String url, Write write) {
        return "{\"container_id\": \"" + write.containerId() + "\", \"endpoint_name\": \"faults\", \"model_name\": \"m\", "
                + "\"endpoint_url\": \"" + url + "\", \"uptime_sec\": " + write.seq() + ", \"requests_num\": " + write.seq()
                + ", \"requests_min\": 1.0, \"latency_ms\": 5}";
    }

    /** Stops the writers and waits until their last calls are answered. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    long sent() {
        return sent.sum();
    }

    long acknowledgedCount() {
        return acknowledged.size();
    }

    Set<Write> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    long unavailable() {
        return unavailable.sum();
    }

    long other() {
        return other.sum();
    }

    List<String> otherAnswers() {
        return List.copyOf(otherAnswers);
    }

    long maxAnswerMillis() {
        return TimeUnit.NANOSECONDS.toMillis(maxAnswerNanos.get());
    }

    Map<String, String> urlOfContainer() {
        return Map.copyOf(urlOfContainer);
    }

    /** Waits until every container has an acknowledged write (the load is under way). */
    boolean awaitEveryContainerAcknowledged(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            Set<String> seen = new java.util.HashSet<>();
            acknowledged.forEach(w -> seen.add(w.containerId()));
            if (seen.containsAll(urlOfContainer.keySet())) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }
}
