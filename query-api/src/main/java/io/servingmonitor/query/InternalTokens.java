package io.servingmonitor.query;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.servingmonitor.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The short-lived tokens with which instances ask each other for reads
 * ({@code Authorization: Bearer <token>} on {@code /internal/query/<action>}): HS256 JWTs valid
 * for {@link #VALIDITY}, bound to one company and action.
 *
 * <p>They are kept apart from the tokens {@code auth.login} hands to clients in two ways: the key
 * is derived from the deployment's shared token secret (HMAC-SHA256 of a fixed label), not the
 * secret itself, and they carry their own issuer and audience. So a client's token is refused
 * here, and an internal token is refused by the public API (wrong signature, issuer, claims).
 */
public final class InternalTokens {

    public static final String ISSUER = "serving-monitor-peer";
    public static final String AUDIENCE = "serving-monitor-internal-query";
    public static final String COMPANY_CLAIM = "company";
    public static final String ACTION_CLAIM = "action";
    public static final Duration VALIDITY = Duration.ofSeconds(60);
    /** Tolerated clock difference between instances. */
    private static final long LEEWAY_SEC = 5;
    private static final String KEY_LABEL = "serving-monitor internal query token v1";

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Clock clock;

    /** @param sharedSecret the deployment's token secret ({@code ApiConfig.tokenSecret()}), the same on every instance */
    public InternalTokens(String sharedSecret, Clock clock) {
        Objects.requireNonNull(sharedSecret, "sharedSecret");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.algorithm = Algorithm.HMAC256(deriveKey(sharedSecret));
        this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withIssuer(ISSUER)
                .withAudience(AUDIENCE)
                .withClaimPresence(COMPANY_CLAIM)
                .withClaimPresence(ACTION_CLAIM)
                .withClaimPresence("exp")
                .acceptLeeway(LEEWAY_SEC))
                .build(clock);
    }

    /** What a valid token allows: one action for one company. */
    public record Grant(String company, String action) {
    }

    /** A token for asking a peer {@code action} about {@code company}. */
    public String issue(String company, String action) {
        Instant now = clock.instant();
        return JWT.create()
                .withIssuer(ISSUER)
                .withAudience(AUDIENCE)
                .withClaim(COMPANY_CLAIM, company)
                .withClaim(ACTION_CLAIM, action)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(VALIDITY))
                .sign(algorithm);
    }

    /**
     * Checks the {@code Authorization} header of an internal call.
     *
     * @throws ApiException 401/20 without it, 401/21 when it is not a Bearer token, 401/30 when the
     *                      token is not a valid, current internal token
     */
    public Grant verify(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw ApiException.unauthorized(20, "Missing credentials");
        }
        String header = authorizationHeader.strip();
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized(21, "Malformed authorization header (expected an internal Bearer token)");
        }
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(header.substring(7).strip());
        } catch (JWTVerificationException e) {
            throw ApiException.unauthorized(30, "Invalid or expired token");
        }
        String company = jwt.getClaim(COMPANY_CLAIM).asString();
        String action = jwt.getClaim(ACTION_CLAIM).asString();
        if (company == null || action == null) {
            throw ApiException.unauthorized(30, "Invalid or expired token");
        }
        return new Grant(company, action);
    }

    private static byte[] deriveKey(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(KEY_LABEL.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
