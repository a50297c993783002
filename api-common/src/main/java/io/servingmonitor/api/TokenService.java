package io.servingmonitor.api;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Issues and checks the tokens {@code auth.login} hands out: HS256 JWTs signed with the server
 * secret that every node of a deployment shares. The payload is what ClearML clients read
 * (unverified) from it: {@code api_version}, {@code server_version}, {@code exp}, {@code iat}, and
 * the {@code identity} {company, user}; {@code company} is repeated at the top for other readers.
 */
public final class TokenService {

    /** Marks our tokens, so a token signed with the same secret for another purpose is refused. */
    public static final String ISSUER = "serving-monitor";
    public static final String COMPANY_CLAIM = "company";
    public static final String IDENTITY_CLAIM = "identity";

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final String apiVersion;
    private final String serverVersion;
    private final Clock clock;

    public TokenService(String secret, String apiVersion, String serverVersion, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        this.algorithm = Algorithm.HMAC256(secret);
        this.apiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
        this.serverVersion = Objects.requireNonNull(serverVersion, "serverVersion");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withIssuer(ISSUER)
                .withClaimPresence(COMPANY_CLAIM)
                .withClaimPresence(IDENTITY_CLAIM)
                .withClaimPresence("exp"))
                .build(clock);
    }

    /** A token for {@code identity} valid for {@code validity} from now (whole seconds). */
    public String issue(Identity identity, Duration validity) {
        Instant now = clock.instant();
        Map<String, Object> identityClaim = new LinkedHashMap<>();
        identityClaim.put("company", identity.company());
        identityClaim.put("user", identity.user());
        return JWT.create()
                .withIssuer(ISSUER)
                .withClaim(COMPANY_CLAIM, identity.company())
                .withClaim(IDENTITY_CLAIM, identityClaim)
                .withClaim("api_version", apiVersion)
                .withClaim("server_version", serverVersion)
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(validity.toSeconds()))
                .sign(algorithm);
    }

    /** The identity a token carries; 401/30 when it is not ours, tampered with, malformed or expired. */
    public Identity verify(String token) {
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (JWTVerificationException e) {
            throw ApiException.unauthorized(30, "Invalid or expired token");
        }
        String company = jwt.getClaim(COMPANY_CLAIM).asString();
        Claim identity = jwt.getClaim(IDENTITY_CLAIM);
        Map<String, Object> identityMap = identity.isNull() || identity.isMissing() ? null : identity.asMap();
        Object user = identityMap == null ? null : identityMap.get("user");
        if (company == null || company.isEmpty() || !(user instanceof String userKey)
                || !company.equals(identityMap.get("company"))) {
            throw ApiException.unauthorized(30, "Invalid or expired token");
        }
        return new Identity(company, userKey);
    }
}
