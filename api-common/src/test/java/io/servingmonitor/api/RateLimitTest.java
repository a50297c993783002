package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-access-key rate limit: 429 in the envelope with Retry-After, per key, off by default. */
class RateLimitTest {

    private static final ActionDefinition ECHO = new ActionDefinition("serving.echo", "2.31",
            request -> CompletableFuture.completedFuture(Map.of()));
    /** Two calls per hour: nothing refills while a test runs. */
    private static final ApiConfig.RateLimit TWO_PER_HOUR = new ApiConfig.RateLimit(2, Duration.ofHours(1));

    @Test
    void aCallOverTheKeysLimitIs429WithRetryAfterInTheEnvelope() {
        try (TestServer server = new TestServer(TestServer.defaults().rateLimit(TWO_PER_HOUR).build(), List.of(ECHO), j -> { })) {
            assertThat(server.get("/serving.echo", "{}").status()).isEqualTo(200);
            assertThat(server.get("/serving.echo", "{}").status()).isEqualTo(200);

            TestServer.Reply refused = server.get("/serving.echo", "{}");

            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.code()).isEqualTo(429);
            assertThat(refused.message()).contains("Too many requests");
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 3600L);
            assertThat(refused.meta().get("error_data").get("retry_after_sec").asLong()).isEqualTo(retryAfter);
            assertThat(refused.meta().get("endpoint").get("name").asText()).isEqualTo("serving.echo");
        }
    }

    @Test
    void eachAccessKeyHasItsOwnAllowanceAndLoginCounts() {
        try (TestServer server = new TestServer(TestServer.defaults().rateLimit(TWO_PER_HOUR).build(), List.of(ECHO), j -> { })) {
            String keyB = TestServer.basic("key-b", "secret-b");
            assertThat(server.call("GET", "/auth.login", keyB, null).status()).isEqualTo(200);
            assertThat(server.call("GET", "/serving.echo", keyB, "{}").status()).isEqualTo(200);
            assertThat(server.call("GET", "/serving.echo", keyB, "{}").status()).isEqualTo(429);

            assertThat(server.get("/serving.echo", "{}").status()).isEqualTo(200);
        }
    }

    @Test
    void callsThatFailAuthenticationDoNotUseTheKeysAllowance() {
        try (TestServer server = new TestServer(TestServer.defaults().rateLimit(TWO_PER_HOUR).build(), List.of(ECHO), j -> { })) {
            for (int i = 0; i < 5; i++) {
                assertThat(server.call("GET", "/serving.echo", TestServer.basic("key-a", "wrong"), "{}").status()).isEqualTo(401);
            }

            assertThat(server.get("/serving.echo", "{}").status()).isEqualTo(200);
            assertThat(server.get("/serving.echo", "{}").status()).isEqualTo(200);
        }
    }

    @Test
    void withoutALimitEveryCallIsServed() {
        try (TestServer server = new TestServer(List.of(ECHO))) {
            for (int i = 0; i < 20; i++) {
                assertThat(server.get("/serving.echo", "{}").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void theAllowanceComesBackEachPeriod() {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        RateLimits limits = new RateLimits(new ApiConfig.RateLimit(1, Duration.ofSeconds(10)), nanos::get);
        Identity caller = new Identity("company-a", "key-a");
        limits.acquire(caller);
        assertThatThrownBy(() -> limits.acquire(caller)).isInstanceOf(RateLimitedException.class)
                .satisfies(e -> assertThat(((RateLimitedException) e).retryAfterSeconds()).isBetween(1L, 10L));

        nanos.addAndGet(Duration.ofSeconds(10).toNanos());

        limits.acquire(caller);
        assertThat(limits.trackedKeys()).isEqualTo(1);
    }

    @Test
    void limitsParseFromTheirFlagText() {
        assertThat(ApiConfig.RateLimit.parse("100/s")).isEqualTo(new ApiConfig.RateLimit(100, Duration.ofSeconds(1)));
        assertThat(ApiConfig.RateLimit.parse("6000/m")).isEqualTo(new ApiConfig.RateLimit(6000, Duration.ofMinutes(1)));
        assertThat(ApiConfig.RateLimit.parse("50/10s")).isEqualTo(new ApiConfig.RateLimit(50, Duration.ofSeconds(10)));
        assertThat(ApiConfig.RateLimit.parse("off").enabled()).isFalse();
        assertThatThrownBy(() -> ApiConfig.RateLimit.parse("0/s")).hasMessageContaining("N/PERIOD");
        assertThatThrownBy(() -> ApiConfig.RateLimit.parse("fast")).hasMessageContaining("N/PERIOD");
    }
}
