package io.servingmonitor.query;

import io.servingmonitor.api.ApiException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StateStoreNotAvailableException;
import org.apache.kafka.streams.errors.StreamsStoppedException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs store reads off the request thread and retries the transient failures of interactive
 * queries until a deadline, then answers 503. Transient: every {@link InvalidStateStoreException}
 * of a store that exists (a rebalance in progress, a store migrated to another thread or instance,
 * a partition not (yet) hosted here, the instance not started yet) and a
 * {@link TransientReadException} (an owner not known yet, a peer that cannot answer right now).
 * A store that is not available because the instance is shutting down answers 503 at once; an
 * unknown store is a programming error and is not retried; an {@link ApiException} is the answer.
 *
 * <p>The read executor should have a bounded queue ({@link #boundedExecutor}): when it refuses a
 * read (its queue is full, or it is shut down) the read answers 503 at once instead of waiting.
 */
public final class StoreReads {

    private static final Logger LOG = LoggerFactory.getLogger(StoreReads.class);
    private static final long FIRST_BACKOFF_MS = 20;
    private static final long MAX_BACKOFF_MS = 500;

    private final Executor executor;
    private final Duration deadline;

    public StoreReads(Executor executor, Duration deadline) {
        this.executor = executor;
        this.deadline = deadline;
    }

    /**
     * A read executor of {@code threads} daemon threads that holds at most {@code queueSize}
     * waiting reads (each attempt and each retry of a read is one); beyond that reads are refused.
     */
    public static ExecutorService boundedExecutor(int threads, int queueSize) {
        if (threads < 1 || queueSize < 1) {
            throw new IllegalArgumentException("read threads and queue size must be at least 1");
        }
        AtomicInteger counter = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueSize),
                runnable -> {
                    Thread thread = new Thread(runnable, "query-read-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** The executor reads run on (never a request thread). */
    public Executor executor() {
        return executor;
    }

    /** Runs {@code read} on the read executor, retrying transient store errors until the deadline. */
    public <T> CompletionStage<T> run(Supplier<T> read) {
        return runAsync(timeLeft -> CompletableFuture.completedFuture(read.get()));
    }

    /**
     * Runs {@code attempt} on the read executor, again (after a backoff) whenever it throws or its
     * stage fails with a transient error, until the deadline. The attempt gets the time left; it
     * must not block (remote calls complete its stage later).
     */
    public <T> CompletionStage<T> runAsync(Function<Duration, CompletionStage<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(attempt, result, System.nanoTime() + deadline.toNanos(), FIRST_BACKOFF_MS);
        return result;
    }

    /**
     * Runs {@code read} once on the read executor: a transient failure answers 503 at once instead
     * of being retried (for a peer's forwarded query: the caller locates again and retries).
     */
    public <T> CompletionStage<T> runOnce(Supplier<T> read) {
        CompletableFuture<T> started;
        try {
            started = CompletableFuture.supplyAsync(read, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(busy());
        }
        return started.handle((value, error) -> {
            if (error == null) {
                return value;
            }
            Throwable cause = unwrap(error);
            if (isTransient(cause)) {
                throw ApiException.unavailable("this instance cannot read those partitions right now; locate them again");
            }
            Throwable failure = failure(cause);
            throw failure instanceof RuntimeException runtime ? runtime : new CompletionException(failure);
        });
    }

    private <T> void attempt(Function<Duration, CompletionStage<T>> attempt, CompletableFuture<T> result,
                             long deadlineNanos, long backoffMs) {
        try {
            executor.execute(() -> runAttempt(attempt, result, deadlineNanos, backoffMs));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(busy());
        }
    }

    private <T> void runAttempt(Function<Duration, CompletionStage<T>> attempt, CompletableFuture<T> result,
                                long deadlineNanos, long backoffMs) {
        CompletionStage<T> stage;
        try {
            stage = attempt.apply(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = unwrap(error);
            if (isTransient(cause)) {
                retryOrGiveUp(attempt, result, deadlineNanos, backoffMs, cause);
            } else {
                result.completeExceptionally(failure(cause));
            }
        });
    }

    private <T> void retryOrGiveUp(Function<Duration, CompletionStage<T>> attempt, CompletableFuture<T> result,
                                   long deadlineNanos, long backoffMs, Throwable cause) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) > deadlineNanos) {
            LOG.warn("giving up a store read after {}: {}", deadline, cause.toString());
            result.completeExceptionally(ApiException.unavailable(
                    "the state stores are being rebalanced; try again shortly"));
            return;
        }
        LOG.debug("retrying a store read in {} ms: {}", backoffMs, cause.toString());
        // The delay's own thread only hands the retry to the read executor, which may refuse it (503).
        Executor later = CompletableFuture.delayedExecutor(backoffMs, TimeUnit.MILLISECONDS);
        later.execute(() -> attempt(attempt, result, deadlineNanos, Math.min(backoffMs * 2, MAX_BACKOFF_MS)));
    }

    /** Whether trying again (after locating again) may succeed. */
    static boolean isTransient(Throwable error) {
        if (error instanceof TransientReadException) {
            return true;
        }
        return error instanceof InvalidStateStoreException
                && !(error instanceof UnknownStateStoreException)
                && !(error instanceof StateStoreNotAvailableException)
                && !(error instanceof StreamsStoppedException);
    }

    /** 503: the read queue is full (or the pool is shut down). */
    private static ApiException busy() {
        LOG.warn("read queue full; a read is answered 503");
        return ApiException.unavailable("Too many reads waiting; retry later");
    }

    /**
     * What a non-transient failure answers: a read the executor refused and shutting down are 503,
     * an unknown store is logged (a bug).
     */
    static Throwable failure(Throwable error) {
        if (error instanceof RejectedExecutionException) {
            return busy();
        }
        if (error instanceof StateStoreNotAvailableException || error instanceof StreamsStoppedException) {
            return ApiException.unavailable("the query service is shutting down");
        }
        if (error instanceof UnknownStateStoreException) {
            LOG.error("state store query failed", error);
        }
        return error;
    }

    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** A read that found the stores momentarily unusable (e.g. the key's owner is not known yet). */
    public static class TransientReadException extends RuntimeException {
        public TransientReadException(String message) {
            super(message);
        }

        public TransientReadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
