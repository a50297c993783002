package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthenticationTest {

    private static final ActionDefinition WHO_AM_I = new ActionDefinition("serving.who_am_i", "2.31",
            request -> CompletableFuture.completedFuture(Map.of("company", request.company())));

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(List.of(WHO_AM_I));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestServer.Reply whoAmI(String authorization) {
        return server.call("GET", "/serving.who_am_i", authorization, "{}");
    }

    private static JsonNode payload(String token) throws Exception {
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    private static String login(String body) {
        TestServer.Reply reply = server.call("GET", "/auth.login", TestServer.basicA(), body);
        assertThat(reply.status()).isEqualTo(200);
        return reply.data().get("token").asText();
    }

    @Test
    void noCredentialsIsMissingCredentials() {
        TestServer.Reply reply = whoAmI(null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.subcode()).isEqualTo(20);
        assertThat(reply.meta().get("endpoint").get("name").asText()).isEqualTo("serving.who_am_i");
    }

    @Test
    void unknownSchemeIsMalformed() {
        TestServer.Reply reply = whoAmI("Digest abc");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.subcode()).isEqualTo(21);
    }

    @Test
    void invalidBase64IsMalformed() {
        assertThat(whoAmI("Basic %%%not-base64").subcode()).isEqualTo(21);
    }

    @Test
    void basicWithoutColonIsMalformed() {
        String header = "Basic " + Base64.getEncoder().encodeToString("justakey".getBytes(StandardCharsets.UTF_8));

        assertThat(whoAmI(header).subcode()).isEqualTo(21);
    }

    @Test
    void wrongSecretIsRefused() {
        TestServer.Reply reply = whoAmI(TestServer.basic("key-a", "secret-b"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.subcode()).isEqualTo(22);
    }

    @Test
    void unknownKeyIsRefused() {
        assertThat(whoAmI(TestServer.basic("key-x", "secret-a")).subcode()).isEqualTo(22);
    }

    @Test
    void goodBasicCredentialsGiveTheirCompany() {
        TestServer.Reply reply = whoAmI(TestServer.basic("key-b", "secret-b"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("company").asText()).isEqualTo("company-b");
    }

    @Test
    void loginIssuesATokenWithTheClaimsClearMlClientsRead() throws Exception {
        long before = Instant.now().getEpochSecond();

        String token = login(null);

        JsonNode payload = payload(token);
        assertThat(payload.get("api_version").asText()).isEqualTo("2.31");
        assertThat(payload.get("server_version").asText()).isEqualTo(ApiConfig.DEFAULT_SERVER_VERSION);
        assertThat(payload.get("company").asText()).isEqualTo("company-a");
        assertThat(payload.get("identity").get("company").asText()).isEqualTo("company-a");
        assertThat(payload.get("identity").get("user").asText()).isEqualTo("key-a");
        long iat = payload.get("iat").asLong();
        assertThat(iat).isBetween(before - 1, before + 60);
        assertThat(payload.get("exp").asLong() - iat).isEqualTo(Duration.ofDays(30).toSeconds());
    }

    @Test
    void loginHonoursExpirationSec() throws Exception {
        JsonNode payload = payload(login("{\"expiration_sec\": 3600}"));

        assertThat(payload.get("exp").asLong() - payload.get("iat").asLong()).isEqualTo(3600);
    }

    @Test
    void loginTakesExpirationSecFromTheQueryString() throws Exception {
        TestServer.Reply reply = server.call("GET", "/auth.login?expiration_sec=120", TestServer.basicA(), null);

        JsonNode payload = payload(reply.data().get("token").asText());
        assertThat(payload.get("exp").asLong() - payload.get("iat").asLong()).isEqualTo(120);
    }

    @Test
    void loginRefusesExpirationOverAYearOrBelowOneSecond() {
        TestServer.Reply tooLong = server.call("GET", "/auth.login", TestServer.basicA(),
                "{\"expiration_sec\": " + (Duration.ofDays(366).toSeconds()) + "}");
        TestServer.Reply zero = server.call("GET", "/auth.login", TestServer.basicA(), "{\"expiration_sec\": 0}");

        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.subcode()).isEqualTo(12);
        assertThat(zero.subcode()).isEqualTo(12);
    }

    @Test
    void loginIsServedAtVersionedPathsWithEnvelope() {
        TestServer.Reply reply = server.call("POST", "/v2.31/auth.login", TestServer.basicA(), "{}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.meta().get("endpoint").get("name").asText()).isEqualTo("auth.login");
        assertThat(reply.meta().get("endpoint").get("requested_version").asText()).isEqualTo("2.31");
    }

    @Test
    void loginWithWrongSecretIsRefused() {
        TestServer.Reply reply = server.call("GET", "/auth.login", TestServer.basic("key-a", "nope"), null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.subcode()).isEqualTo(22);
    }

    @Test
    void loginNeedsBasicCredentials() {
        String token = login(null);

        TestServer.Reply reply = server.call("GET", "/auth.login", "Bearer " + token, null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.subcode()).isEqualTo(20);
    }

    @Test
    void bearerTokenFromLoginIsAccepted() {
        String token = login(null);

        TestServer.Reply reply = whoAmI("Bearer " + token);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("company").asText()).isEqualTo("company-a");
    }

    @Test
    void expiredTokenIsRefused() {
        Clock lastWeek = Clock.fixed(Instant.now().minus(Duration.ofDays(7)), ZoneOffset.UTC);
        TokenService oldTokens = new TokenService(TestServer.SECRET, "2.31", "2.31.0", lastWeek);
        String expired = oldTokens.issue(new Identity("company-a", "key-a"), Duration.ofHours(1));

        TestServer.Reply reply = whoAmI("Bearer " + expired);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.subcode()).isEqualTo(30);
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefused() {
        TokenService otherServer = new TokenService("another-secret-that-is-also-long-enough-000",
                "2.31", "2.31.0", Clock.systemUTC());
        String forged = otherServer.issue(new Identity("company-a", "key-a"), Duration.ofHours(1));

        assertThat(whoAmI("Bearer " + forged).subcode()).isEqualTo(30);
    }

    @Test
    void tamperedTokenIsRefused() throws Exception {
        String[] parts = login(null).split("\\.");
        String otherCompany = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("company-a", "company-b").getBytes(StandardCharsets.UTF_8));

        TestServer.Reply reply = whoAmI("Bearer " + parts[0] + "." + otherCompany + "." + parts[2]);

        assertThat(reply.subcode()).isEqualTo(30);
    }

    @Test
    void tokenWithoutOurIssuerIsRefused() {
        String foreign = JWT.create()
                .withClaim("company", "company-a")
                .withClaim("identity", Map.of("company", "company-a", "user", "key-a"))
                .withExpiresAt(Instant.now().plusSeconds(3600))
                .sign(Algorithm.HMAC256(TestServer.SECRET));

        assertThat(whoAmI("Bearer " + foreign).subcode()).isEqualTo(30);
    }

    @Test
    void garbageTokenIsRefused() {
        assertThat(whoAmI("Bearer not.a.jwt").subcode()).isEqualTo(30);
    }

    @Test
    void tokenOfAKeyNoLongerListedIsRefused() {
        TokenService tokens = new TokenService(TestServer.SECRET, "2.31", "2.31.0", Clock.systemUTC());
        String removedKeysToken = tokens.issue(new Identity("company-a", "key-removed"), Duration.ofHours(1));

        assertThat(whoAmI("Bearer " + removedKeysToken).subcode()).isEqualTo(30);
    }

    @Test
    void companyComesFromTheCredentialNotTheBody() {
        TestServer.Reply reply = server.call("GET", "/serving.who_am_i", TestServer.basic("key-b", "secret-b"),
                "{\"company\": \"company-a\"}");

        assertThat(reply.data().get("company").asText()).isEqualTo("company-b");
    }

    @Test
    void unknownActionIsNotFoundEvenWithoutCredentials() {
        TestServer.Reply reply = server.call("GET", "/serving.nope", null, null);

        assertThat(reply.status()).isEqualTo(404);
    }
}
