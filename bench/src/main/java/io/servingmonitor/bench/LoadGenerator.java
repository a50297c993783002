package io.servingmonitor.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * An HTTP/1.1 load generator for 127.0.0.1 that costs the machine as little as it can: requests
 * are written as bytes straight to non-blocking sockets and only the status and framing of each
 * response are read ({@link HttpResponseReader}), so on a machine that also runs the service and
 * its broker the generator takes few of the cores it measures. {@code concurrency} keep-alive
 * connections, each with one request in flight (no pipelining), are spread over {@code clients}
 * selector threads. Always bounded: it stops after {@code maxRequests} requests or
 * {@code maxTime}, whichever comes first, and waits (at most {@link #REQUEST_TIMEOUT}) for the
 * requests still in flight. A request counts as acknowledged when it is answered 200; any other
 * status, a timeout, a refused or reset connection, a malformed response or bytes the server
 * sent beyond its response count as failed, and the next request on that connection opens a new
 * one. The one exception: a request on a kept-alive connection that ends before any byte of its
 * answer (the server closed the idle connection as the request went out, which HTTP/1.1 allows)
 * is sent once more on a new connection, as HTTP clients do with a stale pooled connection.
 *
 * <p>Why not an HTTP client library: on the 2-core machine of docs/BENCHMARKS.md, against the
 * same empty Javalin handler with 64 requests in flight, the JDK's {@code HttpClient} drove about
 * 1,100 requests/s and Jetty 12's {@code HttpClient} about 5,200/s using 1.6 cores, while
 * {@code wrk} (C) drove 17,000/s: a library client measured itself, not the service.
 */
public final class LoadGenerator {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int LATENCY_SAMPLES = 1_000_000;
    private static final long NONE_YET = -1;
    private static final long FINISHED = -2;
    private static final int READ_BUFFER_BYTES = 64 * 1024;

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
            URI uri = URI.create(baseUrl);
            String host = uri.getHost();
            if (host == null || !host.equals("127.0.0.1") && !host.equals("localhost")) {
                throw new IllegalArgumentException("the load generator only targets 127.0.0.1, not " + host);
            }
            if (!"http".equals(uri.getScheme()) || uri.getPort() < 0) {
                throw new IllegalArgumentException("the load generator needs http://127.0.0.1:PORT, not " + baseUrl);
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

    /** Hands out request indexes: one when a request is due, {@link #NONE_YET}, or {@link #FINISHED}. */
    private interface Schedule {
        long claim(long now);
    }

    private final Settings settings;
    private final InetSocketAddress address;
    private final String pathPrefix;
    private final byte[] fixedHeaders;

    public LoadGenerator(Settings settings) {
        this.settings = settings;
        URI uri = URI.create(settings.baseUrl());
        this.address = new InetSocketAddress("127.0.0.1", uri.getPort());
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.pathPrefix = path.endsWith("/") ? path : path + "/";
        StringBuilder headers = new StringBuilder()
                .append("Host: 127.0.0.1:").append(uri.getPort()).append("\r\n")
                .append("Content-Type: application/json\r\n");
        if (settings.authorization() != null) {
            headers.append("Authorization: ").append(settings.authorization()).append("\r\n");
        }
        this.fixedHeaders = headers.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends requests {@code 0, 1, ...} of {@code requests} as fast as the in-flight limit allows. */
    public Result run(LongFunction<Request> requests) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        long deadline = System.nanoTime() + settings.maxTime().toNanos();
        return drive(requests, now -> {
            if (now >= deadline) {
                return FINISHED;
            }
            long index = next.getAndIncrement();
            return index < settings.maxRequests() ? index : FINISHED;
        });
    }

    /**
     * Sends requests at {@code ratePerSecond} for {@code duration} (at most {@code maxRequests}),
     * never more than {@code concurrency} in flight: when the server cannot keep up, the
     * achieved rate ({@link Result#okPerSecond()}) falls below the asked one.
     */
    public Result runPaced(double ratePerSecond, Duration duration, LongFunction<Request> requests)
            throws InterruptedException {
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        return drive(requests, now -> {
            if (now >= end) {
                return FINISHED;
            }
            long due = Math.min(settings.maxRequests(), (long) ((now - start) / 1e9 * ratePerSecond));
            while (true) {
                long current = sent.get();
                if (current >= settings.maxRequests()) {
                    return FINISHED;
                }
                if (current >= due) {
                    return NONE_YET;
                }
                if (sent.compareAndSet(current, current + 1)) {
                    return current;
                }
            }
        });
    }

    private Result drive(LongFunction<Request> requests, Schedule schedule) throws InterruptedException {
        Run run = new Run(requests, schedule);
        List<Thread> threads = new ArrayList<>();
        int threadCount = Math.min(settings.clients(), settings.concurrency());
        for (int t = 0; t < threadCount; t++) {
            int connections = settings.concurrency() / threadCount + (t < settings.concurrency() % threadCount ? 1 : 0);
            Thread thread = new Thread(() -> run.loop(connections), "load-generator-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        long joinBy = start + settings.maxTime().plus(REQUEST_TIMEOUT).plusSeconds(5).toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
        }
        run.stop = true;
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        return new Result(run.ok.get(), run.failed.get(), Duration.ofNanos(System.nanoTime() - start), run.latencies,
                run.firstFailure.get());
    }

    private byte[] encode(Request request) {
        byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
        byte[] requestLine = ("POST " + pathPrefix + request.action() + " HTTP/1.1\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] length = ("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[requestLine.length + fixedHeaders.length + length.length + body.length];
        int at = 0;
        System.arraycopy(requestLine, 0, bytes, at, requestLine.length);
        at += requestLine.length;
        System.arraycopy(fixedHeaders, 0, bytes, at, fixedHeaders.length);
        at += fixedHeaders.length;
        System.arraycopy(length, 0, bytes, at, length.length);
        at += length.length;
        System.arraycopy(body, 0, bytes, at, body.length);
        return bytes;
    }

    /** The state of one run, shared by its selector threads. */
    private final class Run {
        final LongFunction<Request> requests;
        final Schedule schedule;
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Latencies latencies = new Latencies(LATENCY_SAMPLES);
        final AtomicReference<String> firstFailure = new AtomicReference<>();
        volatile boolean stop;

        Run(LongFunction<Request> requests, Schedule schedule) {
            this.requests = requests;
            this.schedule = schedule;
        }

        void fail(String why) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, why);
        }

        /** One selector thread and its connections, until the schedule is finished and none is in flight. */
        void loop(int connectionCount) {
            List<Connection> connections = new ArrayList<>();
            try (Selector selector = Selector.open()) {
                for (int i = 0; i < connectionCount; i++) {
                    connections.add(new Connection(this, selector));
                }
                ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
                boolean finished = false;
                while (!stop) {
                    long now = System.nanoTime();
                    boolean waitingForSchedule = false;
                    int inFlight = 0;
                    for (Connection connection : connections) {
                        if (connection.inFlight() && now - connection.sentAt > REQUEST_TIMEOUT.toNanos()) {
                            connection.failAndClose("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
                        }
                        if (!connection.inFlight() && !finished) {
                            long index = schedule.claim(now);
                            if (index == FINISHED) {
                                finished = true;
                            } else if (index == NONE_YET) {
                                waitingForSchedule = true;
                            } else {
                                connection.send(index, now);
                            }
                        }
                        if (connection.inFlight()) {
                            inFlight++;
                        }
                    }
                    if (finished && inFlight == 0) {
                        break;
                    }
                    selector.select(waitingForSchedule ? 1 : 100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        ((Connection) key.attachment()).ready(key, readBuffer);
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | RuntimeException e) {
                fail("load generator thread failed: " + e);
            } finally {
                // Requests still in flight here get no answer: counted as failed, never dropped.
                connections.forEach(connection -> connection.failAndClose("no answer: the load generator stopped"));
            }
        }
    }

    /** One keep-alive connection with at most one request in flight. */
    private final class Connection {
        private final Run run;
        private final Selector selector;
        private final HttpResponseReader reader = new HttpResponseReader();
        private SocketChannel channel;
        private SelectionKey key;
        private byte[] requestBytes;
        private ByteBuffer pending;
        private long sentAt;
        private boolean inFlight;
        /** Whether the open connection already carried an answer (so the server may have closed it as idle). */
        private boolean reused;
        /** Whether the request in flight was already sent once more after a stale connection. */
        private boolean resent;

        Connection(Run run, Selector selector) {
            this.run = run;
            this.selector = selector;
        }

        boolean inFlight() {
            return inFlight;
        }

        void send(long index, long now) {
            inFlight = true;
            resent = false;
            sentAt = now;
            try {
                requestBytes = encode(run.requests.apply(index));
            } catch (RuntimeException e) {
                // No request to send (never resent: the bytes at hand are the previous request's).
                failAndClose(e.toString());
                return;
            }
            try {
                transmit();
            } catch (IOException | RuntimeException e) {
                failOrResend(e.toString());
            }
        }

        /** Writes the request in flight from its first byte, on the open connection or a new one. */
        private void transmit() throws IOException {
            reader.reset();
            pending = ByteBuffer.wrap(requestBytes);
            if (channel == null) {
                reused = false;
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                key = channel.register(selector, 0, this);
                if (!channel.connect(address)) {
                    key.interestOps(SelectionKey.OP_CONNECT);
                    return;
                }
            }
            write();
        }

        void ready(SelectionKey readyKey, ByteBuffer readBuffer) {
            if (!readyKey.isValid()) {
                return;
            }
            if (!inFlight) {
                if (readyKey.isReadable()) {
                    idleRead(readBuffer);
                }
                return;
            }
            try {
                if (readyKey.isConnectable()) {
                    channel.finishConnect();
                    write();
                } else if (readyKey.isWritable()) {
                    write();
                } else if (readyKey.isReadable()) {
                    read(readBuffer);
                }
            } catch (IOException | HttpResponseReader.MalformedResponse | RuntimeException e) {
                failOrResend(e.toString());
            }
        }

        /**
         * An idle connection became readable: the server closed it (dropped; the next request
         * reconnects) or sent bytes nobody asked for (a failure: they would be read as the
         * next answer).
         */
        private void idleRead(ByteBuffer readBuffer) {
            try {
                readBuffer.clear();
                if (channel.read(readBuffer) > 0) {
                    run.fail("the server sent " + readBuffer.position() + " bytes while no request was in flight");
                }
            } catch (IOException e) {
                // a reset of an idle connection: nothing was lost
            }
            close();
        }

        private void write() throws IOException {
            channel.write(pending);
            key.interestOps(pending.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private void read(ByteBuffer readBuffer) throws IOException, HttpResponseReader.MalformedResponse {
            while (true) {
                readBuffer.clear();
                int n = channel.read(readBuffer);
                if (n < 0) {
                    if (reader.endOfStream()) {
                        complete();
                        close();
                    } else {
                        failOrResend("connection closed before an answer");
                    }
                    return;
                }
                if (n == 0) {
                    return;
                }
                readBuffer.flip();
                if (reader.feed(readBuffer)) {
                    if (readBuffer.hasRemaining()) {
                        failAndClose("the server sent " + readBuffer.remaining() + " bytes after its answer");
                        return;
                    }
                    complete();
                    if (reader.closeAfter()) {
                        close();
                    } else {
                        reused = true;
                    }
                    return;
                }
            }
        }

        private void complete() {
            inFlight = false;
            if (reader.status() == 200) {
                run.ok.incrementAndGet();
                run.latencies.add(System.nanoTime() - sentAt);
            } else {
                run.fail("HTTP " + reader.status());
            }
        }

        /**
         * The request in flight failed with {@code why}: sent once more on a new connection when
         * it went out on a kept-alive one that ended before any byte of its answer, else failed.
         */
        private void failOrResend(String why) {
            if (inFlight && reused && !resent && !reader.started()) {
                resent = true;
                close();
                try {
                    transmit();
                } catch (IOException | RuntimeException e) {
                    failAndClose(e.toString());
                }
                return;
            }
            failAndClose(why);
        }

        void failAndClose(String why) {
            if (inFlight) {
                inFlight = false;
                run.fail(why);
            }
            close();
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a socket we no longer use
                }
            }
            channel = null;
            key = null;
        }
    }
}
