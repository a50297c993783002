package io.servingmonitor.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * An HTTP load generator for 127.0.0.1: {@code java.net.http.HttpClient}, asynchronous, HTTP/1.1
 * keep-alive (each request in flight holds one pooled connection, so {@code concurrency} is the
 * number of connections), spread over {@code clients} client instances. Always bounded: it stops
 * after {@code maxRequests} requests or {@code maxTime}, whichever comes first, and waits for the
 * requests still in flight. A request counts as acknowledged when it is answered 200.
 */
public final class LoadGenerator {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int LATENCY_SAMPLES = 1_000_000;

    /** One request: the path after the base url (e.g. {@code serving.container_status_report}) and its JSON body. */
    public record Request(String action, String body) {
    }

    /**
     * @param baseUrl       e.g. {@code http://127.0.0.1:8008}; must be a loopback address
     * @param authorization the Authorization header sent on every request, or null
     */
    public record Settings(String baseUrl, String authorization, int concurrency, int clients, long maxRequests,
                           Duration maxTime) {
        public Settings {
            String host = URI.create(baseUrl).getHost();
            if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
                throw new IllegalArgumentException("the load generator only targets 127.0.0.1, not " + host);
            }
            if (concurrency < 1 || clients < 1 || maxRequests < 0) {
                throw new IllegalArgumentException("concurrency and clients must be at least 1");
            }
        }
    }

    /**
     * What a run did: 200 answers, other answers or errors, the time it took, the latencies of the
     * 200s, and the first failure in words (null when none).
     */
    public record Result(long ok, long failed, Duration elapsed, Latencies latencies, String firstFailure) {
        public double okPerSecond() {
            return ok / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    private final Settings settings;
    private final List<HttpClient> clients = new ArrayList<>();
    private final AtomicReference<String> firstFailure =
            new AtomicReference<>();

    public LoadGenerator(Settings settings) {
        this.settings = settings;
        for (int i = 0; i < settings.clients(); i++) {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build());
        }
    }

    /** Sends requests {@code 0, 1, ...} of {@code requests} as fast as the in-flight limit allows. */
    public Result run(LongFunction<Request> requests) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Latencies latencies = new Latencies(LATENCY_SAMPLES);
        CountDownLatch lanesDone = new CountDownLatch(settings.concurrency());
        long start = System.nanoTime();
        long deadline = start + settings.maxTime().toNanos();
        for (int lane = 0; lane < settings.concurrency(); lane++) {
            HttpClient client = clients.get(lane % clients.size());
            sendNext(client, requests, next, deadline, ok, failed, latencies, lanesDone);
        }
        lanesDone.await(settings.maxTime().plus(REQUEST_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
        return new Result(ok.get(), failed.get(), Duration.ofNanos(System.nanoTime() - start), latencies,
                firstFailure.get());
    }

    private void sendNext(HttpClient client, LongFunction<Request> requests, AtomicLong next, long deadline,
                          AtomicLong ok, AtomicLong failed, Latencies latencies, CountDownLatch lanesDone) {
        long index = next.getAndIncrement();
        if (index >= settings.maxRequests() || System.nanoTime() >= deadline) {
            lanesDone.countDown();
            return;
        }
        long sent = System.nanoTime();
        send(client, requests.apply(index)).whenComplete((status, error) -> {
            if (error == null && status == 200) {
                ok.incrementAndGet();
                latencies.add(System.nanoTime() - sent);
            } else {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, error == null ? "HTTP " + status : error.toString());
            }
            sendNext(client, requests, next, deadline, ok, failed, latencies, lanesDone);
        });
    }

    /**
     * Sends requests at {@code ratePerSecond} for {@code duration} (at most {@code maxRequests}),
     * never more than {@code concurrency} in flight: when the server cannot keep up, the
     * achieved rate ({@link Result#okPerSecond()}) falls below the asked one.
     */
    public Result runPaced(double ratePerSecond, Duration duration, LongFunction<Request> requests)
            throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Latencies latencies = new Latencies(LATENCY_SAMPLES);
        Semaphore inFlight = new Semaphore(settings.concurrency());
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long sent = 0;
        while (System.nanoTime() < end && sent < settings.maxRequests()) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * ratePerSecond);
            while (sent < due && sent < settings.maxRequests() && inFlight.tryAcquire()) {
                long at = System.nanoTime();
                HttpClient client = clients.get((int) (sent % clients.size()));
                send(client, requests.apply(sent)).whenComplete((status, error) -> {
                    if (error == null && status == 200) {
                        ok.incrementAndGet();
                        latencies.add(System.nanoTime() - at);
                    } else {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, error == null ? "HTTP " + status : error.toString());
                    }
                    inFlight.release();
                });
                sent++;
            }
            Thread.sleep(1);
        }
        inFlight.tryAcquire(settings.concurrency(), REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return new Result(ok.get(), failed.get(), Duration.ofNanos(System.nanoTime() - start), latencies,
                firstFailure.get());
    }

    private CompletableFuture<Integer> send(HttpClient client, Request request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(settings.baseUrl() + "/" + request.action()))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.body()));
        if (settings.authorization() != null) {
            builder.header("Authorization", settings.authorization());
        }
        return client.sendAsync(builder.build(), HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }
}
