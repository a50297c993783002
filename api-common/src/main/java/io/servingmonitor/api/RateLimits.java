package io.servingmonitor.api;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The per-access-key call limit: each access key gets {@link ApiConfig.RateLimit#permits()} calls
 * in every {@link ApiConfig.RateLimit#period()} (a resilience4j {@link RateLimiter} per key, which
 * never waits: a call over the limit is refused at once with 429 and a {@code Retry-After}).
 *
 * <p>Only authenticated callers are counted, so a limiter exists only for access keys of the
 * credentials file: memory is bounded by the number of keys, and nobody can use up another key's
 * calls without its secret (or a token for it).
 */
public final class RateLimits {

    private final ApiConfig.RateLimit limit;
    private final RateLimiterConfig limiterConfig;
    private final Supplier<Long> nanoTime;
    private final Map<String, RateLimiter> byAccessKey = new ConcurrentHashMap<>();

    public RateLimits(ApiConfig.RateLimit limit) {
        this(limit, System::nanoTime);
    }

    /** With the clock the limiters measure periods on (tests). */
    RateLimits(ApiConfig.RateLimit limit, Supplier<Long> nanoTime) {
        this.limit = Objects.requireNonNull(limit, "limit");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.limiterConfig = limit.enabled()
                ? RateLimiterConfig.custom()
                        .limitForPeriod(limit.permits())
                        .limitRefreshPeriod(limit.period())
                        .timeoutDuration(Duration.ZERO)
                        .build()
                : null;
    }

    /**
     * Takes one call of {@code caller}'s allowance.
     *
     * @throws RateLimitedException 429 when its key has no call left in this period
     */
    public void acquire(Identity caller) {
        if (limiterConfig == null) {
            return;
        }
        RateLimiter limiter = byAccessKey.computeIfAbsent(caller.user(),
                key -> RateLimiter.of("access-key", limiterConfig, nanoTime));
        if (!limiter.acquirePermission()) {
            throw new RateLimitedException(limit, retryAfterSeconds(limiter));
        }
    }

    /** Whole seconds until the key has a call again, at least 1 (the header has no finer unit). */
    private static long retryAfterSeconds(RateLimiter limiter) {
        long nanos = limiter instanceof AtomicRateLimiter atomic ? atomic.getDetailedMetrics().getNanosToWait() : 0;
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Access keys that have a limiter (at most the number of keys in the credentials file). */
    int trackedKeys() {
        return byAccessKey.size();
    }
}
