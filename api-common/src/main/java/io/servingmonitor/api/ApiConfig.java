package io.servingmonitor.api;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the HTTP layer both APIs share.
 *
 * @param bodyLimitBytes     largest accepted request body; a larger one is answered 413
 * @param maxJsonDepth       deepest accepted JSON nesting; deeper is 400/12
 * @param trustedProxies     peers whose {@code X-Forwarded-For} / {@code X-Real-IP} are believed:
 *                           IP addresses or CIDR blocks ({@code 10.0.0.0/8})
 * @param tokenSecret        HS256 secret of {@code auth.login} tokens, at least 32 bytes; every node
 *                           of a deployment must share it
 * @param tokenDefaultExpiry token lifetime when {@code auth.login} is not given {@code expiration_sec}
 * @param tokenMaxExpiry     longest lifetime {@code auth.login} grants; more is 400/12
 * @param serverVersion      reported in tokens as {@code server_version}
 * @param idleTimeout        how long a connection may send nothing (in a request or between requests)
 *                           before Jetty closes it (a request waiting for its body is answered 408)
 * @param minRequestDataRate the slowest a request body may arrive, bytes per second averaged from its
 *                           start (0: no minimum); slower is 408 and the connection is closed
 * @param rateLimit          calls allowed per access key ({@link RateLimit#OFF}: no limit); more is 429
 * @param idempotencyTtl     how long the answer of a write sent with an {@code Idempotency-Key} is kept
 *                           to answer its resends
 * @param idempotencyMaxEntries the most such answers kept at once (the oldest go first)
 * @param discardLimitBytes  how much of the body of a refused call (a body over the limit included)
 *                           is read and dropped so that its client reads the answer; a larger body's
 *                           connection is closed after the answer, so its client may see a reset
 */
public record ApiConfig(
        long bodyLimitBytes,
        int maxJsonDepth,
        List<String> trustedProxies,
        String tokenSecret,
        Duration tokenDefaultExpiry,
        Duration tokenMaxExpiry,
        String serverVersion,
        Duration idleTimeout,
        long minRequestDataRate,
        RateLimit rateLimit,
        Duration idempotencyTtl,
        int idempotencyMaxEntries,
        long discardLimitBytes) {

    /** The API version every action is served at, reported in tokens as {@code api_version}. */
    public static final String API_VERSION = "2.31";
    public static final long DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_JSON_DEPTH = 32;
    public static final List<String> DEFAULT_TRUSTED_PROXIES = List.of("127.0.0.0/8", "::1");
    public static final Duration DEFAULT_TOKEN_EXPIRY = Duration.ofDays(30);
    public static final Duration MAX_TOKEN_EXPIRY = Duration.ofDays(365);
    public static final String DEFAULT_SERVER_VERSION = "2.31.0";
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Off: Jetty measures a body's rate from its first byte to each read, so a small body that
     * arrived at once but is read a moment later (a busy server, a slow authentication) falls
     * below any rate and is refused 408. A body that stops is bounded by the idle timeout instead.
     */
    public static final long DEFAULT_MIN_REQUEST_DATA_RATE = 0;
    public static final Duration DEFAULT_IDEMPOTENCY_TTL = Duration.ofMinutes(10);
    public static final int DEFAULT_IDEMPOTENCY_MAX_ENTRIES = 100_000;
    /** Read at full speed in well under a second on a LAN; bounded in time by the idle timeout. */
    public static final long DEFAULT_DISCARD_LIMIT_BYTES = 16L * 1024 * 1024;
    private static final int MIN_SECRET_BYTES = 32;

    public ApiConfig {
        if (bodyLimitBytes < 1 || bodyLimitBytes > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("bodyLimitBytes must be between 1 and " + (Integer.MAX_VALUE - 1));
        }
        if (maxJsonDepth < 1) {
            throw new IllegalArgumentException("maxJsonDepth must be at least 1");
        }
        trustedProxies = List.copyOf(trustedProxies);
        TrustedProxies.parse(trustedProxies);
        Objects.requireNonNull(tokenSecret, "tokenSecret");
        if (tokenSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the token secret must be at least " + MIN_SECRET_BYTES + " bytes long");
        }
        Objects.requireNonNull(tokenDefaultExpiry, "tokenDefaultExpiry");
        Objects.requireNonNull(tokenMaxExpiry, "tokenMaxExpiry");
        if (tokenDefaultExpiry.toSeconds() < 1 || tokenMaxExpiry.compareTo(tokenDefaultExpiry) < 0) {
            throw new IllegalArgumentException("token expiry: need 1 s <= default <= max");
        }
        Objects.requireNonNull(serverVersion, "serverVersion");
        if (idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("the idle timeout must be at least 1 ms");
        }
        if (minRequestDataRate < 0) {
            throw new IllegalArgumentException("the minimum request data rate must not be negative");
        }
        Objects.requireNonNull(rateLimit, "rateLimit");
        if (idempotencyTtl.toMillis() < 1 || idempotencyMaxEntries < 1) {
            throw new IllegalArgumentException("idempotency: need a positive time to keep answers and a positive count");
        }
        if (discardLimitBytes < 0) {
            throw new IllegalArgumentException("the discard limit must not be negative");
        }
    }

    /**
     * How many calls one access key may make: {@code permits} in every {@code period} (a burst of
     * up to {@code permits} at once; permits left over do not carry into the next period).
     */
    public record RateLimit(int permits, Duration period) {

        /** No limit. */
        public static final RateLimit OFF = new RateLimit(0, Duration.ofSeconds(1));

        public RateLimit {
            Objects.requireNonNull(period, "period");
            if (permits < 0 || period.toMillis() < 1) {
                throw new IllegalArgumentException("a rate limit needs permits >= 0 and a period of at least 1 ms");
            }
        }

        public boolean enabled() {
            return permits > 0;
        }

        /**
         * Parses {@code N/PERIOD}: {@code 100/s}, {@code 6000/m}, {@code 50/10s}, or {@code off}.
         * The period is a number (default 1) and a unit: ms, s, m, h.
         */
        public static RateLimit parse(String text) {
            String value = text.strip();
            if (value.equals("off")) {
                return OFF;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})/(\\d{0,9})(ms|s|m|h)").matcher(value);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
                throw new IllegalArgumentException("a rate limit is N/PERIOD such as 100/s, 6000/m or 50/10s (or off), not '"
                        + text + "'");
            }
            long count = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
            Duration unit = switch (m.group(3)) {
                case "ms" -> Duration.ofMillis(1);
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                default -> Duration.ofHours(1);
            };
            return new RateLimit(Integer.parseInt(m.group(1)), unit.multipliedBy(count));
        }
    }

    /** A builder with the defaults: 1 MiB bodies, depth 32, loopback trusted, 30-day tokens, a random secret. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A fresh random token secret. Fine for a single process; a deployment with several nodes must
     * configure one shared secret instead, or tokens from one node are refused by the others.
     */
    public static String randomTokenSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Builds an {@link ApiConfig}; every setting starts at its default. */
    public static final class Builder {
        private long bodyLimitBytes = DEFAULT_BODY_LIMIT_BYTES;
        private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
        private List<String> trustedProxies = DEFAULT_TRUSTED_PROXIES;
        private String tokenSecret;
        private Duration tokenDefaultExpiry = DEFAULT_TOKEN_EXPIRY;
        private Duration tokenMaxExpiry = MAX_TOKEN_EXPIRY;
        private String serverVersion = DEFAULT_SERVER_VERSION;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private long minRequestDataRate = DEFAULT_MIN_REQUEST_DATA_RATE;
        private RateLimit rateLimit = RateLimit.OFF;
        private Duration idempotencyTtl = DEFAULT_IDEMPOTENCY_TTL;
        private int idempotencyMaxEntries = DEFAULT_IDEMPOTENCY_MAX_ENTRIES;
        private long discardLimitBytes = DEFAULT_DISCARD_LIMIT_BYTES;

        private Builder() {
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        public Builder minRequestDataRate(long bytesPerSecond) {
            minRequestDataRate = bytesPerSecond;
            return this;
        }

        public Builder rateLimit(RateLimit value) {
            rateLimit = value;
            return this;
        }

        public Builder idempotency(Duration ttl, int maxEntries) {
            idempotencyTtl = ttl;
            idempotencyMaxEntries = maxEntries;
            return this;
        }

        public Builder discardLimitBytes(long value) {
            discardLimitBytes = value;
            return this;
        }

        public Builder bodyLimitBytes(long value) {
            bodyLimitBytes = value;
            return this;
        }

        public Builder maxJsonDepth(int value) {
            maxJsonDepth = value;
            return this;
        }

        public Builder trustedProxies(List<String> value) {
            trustedProxies = value;
            return this;
        }

        public Builder tokenSecret(String value) {
            tokenSecret = value;
            return this;
        }

        public Builder tokenDefaultExpiry(Duration value) {
            tokenDefaultExpiry = value;
            return this;
        }

        public Builder tokenMaxExpiry(Duration value) {
            tokenMaxExpiry = value;
            return this;
        }

        public Builder serverVersion(String value) {
            serverVersion = value;
            return this;
        }

        public ApiConfig build() {
            return new ApiConfig(bodyLimitBytes, maxJsonDepth, trustedProxies,
                    tokenSecret == null ? randomTokenSecret() : tokenSecret,
                    tokenDefaultExpiry, tokenMaxExpiry, serverVersion, idleTimeout, minRequestDataRate, rateLimit,
                    idempotencyTtl, idempotencyMaxEntries, discardLimitBytes);
        }
    }
}
