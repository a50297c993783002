package io.servingmonitor.launcher;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The info lines of a node's start, so that a start is never silent: Kafka reachable, HTTP
 * listening, and one {@code ready} line, with the time since the start began, when the node first
 * serves everything its role serves: HTTP up and, on a node that reads, Kafka Streams
 * {@code RUNNING} for the first time. (An embedded broker logs its own ready line.)
 */
final class StartProgress {

    private static final Logger LOG = LoggerFactory.getLogger(StartProgress.class);

    private final Role role;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean ready = new AtomicBoolean();
    private volatile boolean listening;
    private volatile boolean storesRunning;

    StartProgress(Role role) {
        this.role = role;
    }

    /** The topics were created or checked: the brokers at {@code bootstrapServers} answered. */
    void kafkaReachable(String bootstrapServers) {
        LOG.info("Kafka at {} reachable, topics checked ({} ms since start)", bootstrapServers, elapsedMillis());
    }

    /** HTTP is up at {@code url}; {@code details} says what the node runs on. */
    void listening(String url, String details) {
        LOG.info("serving-monitor listening on {} ({}, {})", url, role.command(), details);
        listening = true;
        announceReadyOnce();
    }

    /** Kafka Streams reached {@code RUNNING} (called on every such transition; only the first counts). */
    void storesRunning() {
        storesRunning = true;
        announceReadyOnce();
    }

    /** Logs {@code ready} the first time everything this node's role serves is up. */
    private void announceReadyOnce() {
        boolean everything = listening && (storesRunning || !role.servesReads());
        if (everything && ready.compareAndSet(false, true)) {
            LOG.info("ready: {} in {} ms since start ({})", role.command(), elapsedMillis(),
                    role.servesReads() ? (role.takesWrites() ? "writes and reads" : "reads") : "writes");
        }
    }

    private long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
