package io.servingmonitor.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Makes resent writes safe: the first call with a given {@code Idempotency-Key} header (per
 * company) runs; a resend with the same key gets the first call's answer (the same data, or the
 * same error) without running again, so it makes no second event. A resend that arrives while the
 * first is still running waits for the first's answer.
 *
 * <p>Kept: the answers of calls that ran to an answer, success or a caller's error (4xx), for
 * {@code ttl} after the first call and at most {@code maxEntries} of them (the oldest go first). Not
 * kept: a 5xx (a 503 when Kafka did not acknowledge in time, a 500): the next resend runs again,
 * because the write may not have been stored. The key is the company and the header, so companies
 * cannot see or block each other's answers; a resend must be the same action with the same body,
 * else it is 400/12 and the first answer stays.
 *
 * <p>Per process: behind a proxy with several nodes, resends of one key must reach the same node
 * (the shipped nginx routes calls that carry the header by a consistent hash of it).
 */
public final class IdempotentReplies {

    /** The request header, as popular HTTP APIs name it. */
    public static final String HEADER = "Idempotency-Key";
    /** Longest accepted header value. */
    public static final int MAX_KEY_LENGTH = 255;

    private record Key(String company, String idempotencyKey) {
    }

    private record Entry(String action, byte[] bodyDigest, CompletableFuture<Object> answer) {
    }

    private final Cache<Key, Entry> answers;

    public IdempotentReplies(Duration ttl, int maxEntries) {
        this(ttl, maxEntries, Ticker.systemTicker());
    }

    IdempotentReplies(Duration ttl, int maxEntries, Ticker ticker) {
        this.answers = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(maxEntries)
                .ticker(ticker)
                .build();
    }

    /**
     * The header's value checked: printable ASCII without spaces, 1 to {@link #MAX_KEY_LENGTH}
     * characters; else 400/12 naming the header.
     */
    public static String validKey(String header) {
        if (header.isEmpty() || header.length() > MAX_KEY_LENGTH) {
            throw ApiException.validation(HEADER, "must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c <= ' ' || c > '~') {
                throw ApiException.validation(HEADER, "must be printable ASCII without spaces");
            }
        }
        return header;
    }

    /**
     * The answer of {@code action} with {@code body} for {@code company}'s {@code idempotencyKey}:
     * the first call's when one was made, else that of running {@code call} now.
     */
    public CompletionStage<Object> answer(String company, String idempotencyKey, String action, byte[] body,
                                          Supplier<CompletionStage<?>> call) {
        Key key = new Key(company, idempotencyKey);
        byte[] digest = sha256(body);
        Entry mine = new Entry(action, digest, new CompletableFuture<>());
        Entry first = answers.asMap().putIfAbsent(key, mine);
        if (first != null) {
            if (!first.action().equals(action) || !MessageDigest.isEqual(first.bodyDigest(), digest)) {
                return CompletableFuture.failedFuture(ApiException.validation(HEADER,
                        "was already used for another request (a resend must repeat the action and body)"));
            }
            return first.answer();
        }
        CompletionStage<?> running;
        try {
            running = call.get();
        } catch (RuntimeException e) {
            running = CompletableFuture.failedFuture(e);
        }
        running.whenComplete((value, error) -> {
            if (error != null && !isCallersError(error)) {
                answers.asMap().remove(key, mine);
            }
            if (error == null) {
                mine.answer().complete(value);
            } else {
                mine.answer().completeExceptionally(ClearMlRoutes.unwrap(error));
            }
        });
        return mine.answer();
    }

    /** Answers kept now (for tests and metrics). */
    long size() {
        answers.cleanUp();
        return answers.estimatedSize();
    }

    private static boolean isCallersError(Throwable error) {
        return ClearMlRoutes.unwrap(error) instanceof ApiException api && api.httpCode() < 500;
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Objects.requireNonNull(body, "body"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
