package io.servingmonitor.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.api.ApiException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.errors.StreamsRebalancingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bounded read pool: a read that finds its queue full is answered 503 at once, never queued without bound. */
class StoreReadsTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private ExecutorService executor;
    private StoreReads reads;

    @BeforeEach
    void setUp() {
        executor = StoreReads.boundedExecutor(1, 1);
        reads = new StoreReads(executor, Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        executor.shutdownNow();
    }

    /** Occupies the one read thread and the one queue slot until {@link #release}. */
    private void fillThePool() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        executor.execute(() -> {
            running.countDown();
            awaitRelease();
        });
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        executor.execute(this::awaitRelease);
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aReadThatFindsTheQueueFullIsAnswered503AtOnce() throws Exception {
        fillThePool();

        CompletableFuture<String> read = reads.run(() -> "read").toCompletableFuture();

        assertThat(read).isCompletedExceptionally();
        assertThat(status(read)).isEqualTo(503);
    }

    @Test
    void aPeersReadThatFindsTheQueueFullIsAnswered503AtOnce() throws Exception {
        fillThePool();

        CompletableFuture<String> read = reads.runOnce(() -> "read").toCompletableFuture();

        assertThat(read).isCompletedExceptionally();
        assertThat(status(read)).isEqualTo(503);
    }

    @Test
    void aRetryThatFindsTheQueueFullIsAnswered503BeforeTheDeadline() throws Exception {
        CountDownLatch firstAttempt = new CountDownLatch(1);
        CompletableFuture<String> read = reads.<String>run(() -> {
            firstAttempt.countDown();
            throw new StreamsRebalancingException("rebalancing");
        }).toCompletableFuture();
        assertThat(firstAttempt.await(5, TimeUnit.SECONDS)).isTrue();
        fillThePool();

        // the retry (after a 20 ms backoff) is refused; the 5 s deadline is not waited for
        Throwable error = read.handle((value, failure) -> failure).get(3, TimeUnit.SECONDS);

        assertThat(StoreReads.unwrap(error)).isInstanceOf(ApiException.class);
        assertThat(((ApiException) StoreReads.unwrap(error)).httpCode()).isEqualTo(503);
    }

    @Test
    void readsRunWhileTheQueueHasRoom() throws Exception {
        assertThat(reads.run(() -> "read").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("read");
    }

    private static int status(CompletableFuture<?> failed) {
        Throwable error = StoreReads.unwrap(failed.handle((value, failure) -> failure).join());
        return ((ApiException) error).httpCode();
    }
}
