package io.servingmonitor.api;

import java.util.Map;

/**
 * 429: the caller's access key used up its calls for now ({@link RateLimits}). Answered with a
 * {@code Retry-After} header of {@link #retryAfterSeconds()} beside the envelope, whose
 * {@code error_data} repeats it as {@code retry_after_sec}.
 */
public final class RateLimitedException extends ApiException {

    private final long retryAfterSeconds;

    RateLimitedException(ApiConfig.RateLimit limit, long retryAfterSeconds) {
        super(429, 0, "Too many requests (limit " + limit.permits() + " per " + period(limit) + " per access key); retry after "
                + retryAfterSeconds + " s", Map.of("retry_after_sec", retryAfterSeconds));
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    private static String period(ApiConfig.RateLimit limit) {
        long ms = limit.period().toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }
}
