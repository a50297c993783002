package io.servingmonitor.query;

import io.servingmonitor.api.ApiException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StateStoreMigratedException;
import org.apache.kafka.streams.errors.StateStoreNotAvailableException;
import org.apache.kafka.streams.errors.StreamsRebalancingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs store reads off the request thread and retries the transient failures of interactive
 * queries (a rebalance in progress, a store migrated to another thread or instance) until a
 * deadline, then answers 503. A store that is not available because the instance is shutting
 * down answers 503 at once; an unknown store is a programming error and is not retried.
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

    /** Runs {@code read} on the read executor, retrying transient store errors until the deadline. */
    public <T> CompletionStage<T> run(Supplier<T> read) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(read, result, System.nanoTime() + deadline.toNanos(), FIRST_BACKOFF_MS);
        return result;
    }

    private <T> void attempt(Supplier<T> read, CompletableFuture<T> result, long deadlineNanos, long backoffMs) {
        executor.execute(() -> {
            try {
                result.complete(read.get());
            } catch (StateStoreNotAvailableException e) {
                result.completeExceptionally(ApiException.unavailable("the query service is shutting down"));
            } catch (StreamsRebalancingException | StateStoreMigratedException e) {
                retryOrGiveUp(read, result, deadlineNanos, backoffMs, e);
            } catch (TransientReadException e) {
                retryOrGiveUp(read, result, deadlineNanos, backoffMs, e);
            } catch (InvalidStateStoreException e) {
                LOG.error("state store query failed", e);
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
    }

    private <T> void retryOrGiveUp(Supplier<T> read, CompletableFuture<T> result, long deadlineNanos,
                                   long backoffMs, RuntimeException cause) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) > deadlineNanos) {
            LOG.warn("giving up a store read after {}: {}", deadline, cause.toString());
            result.completeExceptionally(ApiException.unavailable(
                    "the state stores are being rebalanced; try again shortly"));
            return;
        }
        Executor later = CompletableFuture.delayedExecutor(backoffMs, TimeUnit.MILLISECONDS, executor);
        later.execute(() -> attempt(read, result, deadlineNanos, Math.min(backoffMs * 2, MAX_BACKOFF_MS)));
    }

    /** A read that found the stores momentarily unusable (e.g. the key's owner is not known yet). */
    public static final class TransientReadException extends RuntimeException {
        public TransientReadException(String message) {
            super(message);
        }
    }
}
