package io.servingmonitor.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;

/**
 * Decides who is calling from the {@code Authorization} header, as ClearML clients send it: either
 * {@code Basic base64(access_key:secret_key)} checked against the {@link Credentials}, or
 * {@code Bearer <token>} issued by {@code auth.login}. Errors: 401/20 no credentials, 401/21 a
 * malformed header, 401/22 an unknown key or wrong secret, 401/30 a bad or expired token (also the
 * token of a key that has since been removed).
 */
public final class Authenticator {

    private final Credentials credentials;
    private final TokenService tokens;

    public Authenticator(Credentials credentials, TokenService tokens) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    /** The usual wiring: tokens signed with the configured secret, stamped with the configured versions. */
    public static Authenticator create(Credentials credentials, ApiConfig config, Clock clock) {
        return new Authenticator(credentials,
                new TokenService(config.tokenSecret(), ApiConfig.API_VERSION, config.serverVersion(), clock));
    }

    /** The caller of a serving action: Basic or Bearer. */
    public Identity authenticate(String authorizationHeader) {
        String header = present(authorizationHeader);
        if (startsWithScheme(header, "Bearer")) {
            String token = header.substring("Bearer".length()).strip();
            if (token.isEmpty()) {
                throw ApiException.unauthorized(21, "Malformed authorization header");
            }
            Identity identity = tokens.verify(token);
            if (!credentials.isActive(identity)) {
                throw ApiException.unauthorized(30, "Invalid or expired token");
            }
            return identity;
        }
        return basic(header);
    }

    /** The caller of {@code auth.login}: Basic credentials only. */
    public Identity authenticateBasic(String authorizationHeader) {
        String header = present(authorizationHeader);
        if (!startsWithScheme(header, "Basic")) {
            throw ApiException.unauthorized(20, "Missing credentials (auth.login needs Basic access_key:secret_key)");
        }
        return basic(header);
    }

    /** A token for an authenticated caller. */
    public String issueToken(Identity identity, Duration validity) {
        return tokens.issue(identity, validity);
    }

    private Identity basic(String header) {
        if (!startsWithScheme(header, "Basic")) {
            throw ApiException.unauthorized(21, "Malformed authorization header (expected Basic or Bearer)");
        }
        String encoded = header.substring("Basic".length()).strip();
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)))
                    .toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw ApiException.unauthorized(21, "Malformed authorization header (invalid base64)");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw ApiException.unauthorized(21, "Malformed authorization header (expected access_key:secret_key)");
        }
        return credentials.verify(decoded.substring(0, colon), decoded.substring(colon + 1))
                .orElseThrow(() -> ApiException.unauthorized(22, "Invalid access key or secret key"));
    }

    private static String present(String header) {
        if (header == null || header.isBlank()) {
            throw ApiException.unauthorized(20, "Missing credentials");
        }
        return header.strip();
    }

    private static boolean startsWithScheme(String header, String scheme) {
        return header.regionMatches(true, 0, scheme, 0, scheme.length())
                && (header.length() == scheme.length() || header.charAt(scheme.length()) == ' ');
    }
}
