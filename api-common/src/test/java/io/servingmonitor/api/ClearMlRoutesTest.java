package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClearMlRoutesTest {

    /** Echoes what the handler saw, through the typed getters. */
    private static final ActionDefinition ECHO = new ActionDefinition("serving.echo", "2.31", request -> {
        RequestBody body = request.body();
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("company", request.company());
        seen.put("caller_ip", request.callerIp());
        seen.put("count", body.optionalLong("count"));
        seen.put("ratio", body.optionalDouble("ratio"));
        seen.put("flag", body.optionalBoolean("flag"));
        seen.put("name", body.optionalString("name"));
        seen.put("size", body.optionalStringOrNumber("size"));
        seen.put("received_at_ms", request.receivedAtMs());
        return CompletableFuture.completedFuture(seen);
    });
    private static final ActionDefinition REQUIRED = new ActionDefinition("serving.required", "2.31", request -> {
        request.body().checkRequired("first", "second", "third");
        return CompletableFuture.completedFuture(Map.of());
    });
    private static final ActionDefinition THROWS = new ActionDefinition("serving.throws", "2.31", request -> {
        throw new IllegalStateException("database password is hunter2");
    });
    private static final ActionDefinition FAILS_LATER = new ActionDefinition("serving.fails_later", "2.31",
            request -> CompletableFuture.supplyAsync(() -> {
                throw new IllegalArgumentException("internal detail xyz");
            }));
    private static final ActionDefinition REJECTS_LATER = new ActionDefinition("serving.rejects_later", "2.31",
            request -> CompletableFuture.failedFuture(ApiException.noInstances("http://model/a")));
    private static final ActionDefinition ANSWERS_LATER = new ActionDefinition("serving.answers_later", "2.31",
            request -> CompletableFuture.supplyAsync(() -> Map.of("late", true),
                    CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS)));

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(TestServer.defaults().bodyLimitBytes(4096).build(),
                List.of(ECHO, REQUIRED, THROWS, FAILS_LATER, REJECTS_LATER, ANSWERS_LATER),
                javalin -> {
                    javalin.routes.get("/health", ctx -> ctx.result("ok"));
                    javalin.routes.get("/not-ready", ctx -> ctx.status(503).result("{\"streams\": \"REBALANCING\"}"));
                });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anotherRoutesOwnErrorAnswerIsLeftAsItWrote() {
        TestServer.Reply reply = server.call("GET", "/not-ready", null, null);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.text()).isEqualTo("{\"streams\": \"REBALANCING\"}");
    }

    @Test
    void successIsWrappedInTheEnvelope() {
        TestServer.Reply reply = server.get("/serving.echo", "{\"name\": \"x\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode meta = reply.meta();
        assertThat(meta.get("id").asText()).matches("[0-9a-f]{32}");
        assertThat(meta.get("trx").asText()).isEqualTo(meta.get("id").asText());
        assertThat(meta.get("endpoint").get("name").asText()).isEqualTo("serving.echo");
        assertThat(meta.get("endpoint").get("requested_version").asText()).isEqualTo("2.31");
        assertThat(meta.get("endpoint").get("actual_version").asText()).isEqualTo("2.31");
        assertThat(reply.code()).isEqualTo(200);
        assertThat(reply.subcode()).isZero();
        assertThat(reply.message()).isEqualTo("OK");
        assertThat(meta.has("error_stack")).isTrue();
        assertThat(meta.get("error_stack").isNull()).isTrue();
        assertThat(meta.get("error_data").isObject()).isTrue();
        assertThat(meta.get("error_data").size()).isZero();
        assertThat(reply.data().get("name").asText()).isEqualTo("x");
        assertThat(reply.data().get("company").asText()).isEqualTo("company-a");
    }

    @Test
    void nullResultFieldsAreLeftOutOfData() {
        TestServer.Reply reply = server.get("/serving.echo", "{}");

        assertThat(reply.data().has("name")).isFalse();
        assertThat(reply.data().has("count")).isFalse();
    }

    @Test
    void postIsServedLikeGet() {
        TestServer.Reply reply = server.call("POST", "/serving.echo", TestServer.basicA(), "{\"count\": 3}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("count").asLong()).isEqualTo(3);
    }

    @Test
    void versionAboveTheActionsIsServedByItAndReportsBoth() {
        TestServer.Reply reply = server.get("/v999.0/serving.echo", "{}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.meta().get("endpoint").get("requested_version").asText()).isEqualTo("999.0");
        assertThat(reply.meta().get("endpoint").get("actual_version").asText()).isEqualTo("2.31");
    }

    @Test
    void exactVersionIsServed() {
        TestServer.Reply reply = server.get("/v2.31/serving.echo", "{}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.meta().get("endpoint").get("requested_version").asText()).isEqualTo("2.31");
    }

    @Test
    void versionBelowTheActionsFirstIsNotFound() {
        TestServer.Reply reply = server.get("/v2.30/serving.echo", "{}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.code()).isEqualTo(404);
        assertThat(reply.subcode()).isZero();
        assertThat(reply.meta().get("endpoint").get("name").asText()).isEqualTo("serving.echo");
        assertThat(reply.meta().get("endpoint").get("requested_version").asText()).isEqualTo("2.30");
        assertThat(reply.meta().get("endpoint").get("actual_version").isNull()).isTrue();
    }

    @Test
    void versionsCompareNumericallyPerPart() {
        // 2.4 is below 2.31 although "2.4" > "2.31" as text
        assertThat(server.get("/v2.4/serving.echo", "{}").status()).isEqualTo(404);
        assertThat(server.get("/v3.0/serving.echo", "{}").status()).isEqualTo(200);
    }

    @Test
    void unknownActionIsNotFoundInTheEnvelope() {
        TestServer.Reply reply = server.get("/serving.nope", "{}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.code()).isEqualTo(404);
        assertThat(reply.subcode()).isZero();
        assertThat(reply.meta().get("endpoint").get("name").asText()).isEqualTo("serving.nope");
        assertThat(reply.contentType()).startsWith("application/json");
    }

    @Test
    void unknownVersionedActionAndStrayPathsAreNotFoundInTheEnvelope() {
        assertThat(server.get("/v2.31/serving.nope", "{}").code()).isEqualTo(404);
        assertThat(server.get("/no/such/path", null).code()).isEqualTo(404);
    }

    @Test
    void otherMethodsAreNotFoundInTheEnvelope() {
        TestServer.Reply reply = server.call("PUT", "/serving.echo", TestServer.basicA(), "{}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.code()).isEqualTo(404);
        assertThat(reply.subcode()).isZero();
    }

    /**
     * Regression (found by BadInputProperties): Jetty refused these paths with its own HTML page;
     * they now reach the routes (see RefusedTargets), which name the problem.
     */
    @Test
    void pathsJettyRefusesBeforeRoutingAreAnsweredInTheEnvelope() {
        for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
            for (String path : List.of("/serving.echo%00", "/serving.echo%FF", "/%FF")) {
                TestServer.Reply reply = server.call(method, path, TestServer.basicA(), null);

                assertThat(reply.status()).as(method + " " + path).isEqualTo(400);
                assertThat(reply.code()).as(method + " " + path).isEqualTo(400);
                assertThat(reply.contentType()).startsWith("application/json");
                assertThat(reply.meta().get("error_stack").isNull()).isTrue();
                assertThat(reply.message()).as(method + " " + path).startsWith("Invalid request path (");
            }
        }
    }

    /**
     * Regression (found by BadInputProperties: two POSTs of a 480 KB body without valid
     * credentials, one after the other): a call refused before its body was read left the body
     * unread, Jetty closed the connection behind the answer, and the next call on it got no answer.
     */
    @Test
    void callsRefusedBeforeTheirBodyIsReadLeaveTheConnectionUsable() {
        String body = "{\"#\": \"" + "\u00e9".repeat(240_000) + "\"}";
        try (TestServer large = new TestServer(TestServer.defaults().build(), List.of(ECHO), javalin -> { })) {
            for (int i = 0; i < 5; i++) {
                assertThat(large.call("POST", "/serving.echo", null, body).code()).isEqualTo(401);
                assertThat(large.call("POST", "/serving.echo", "Basic ", body).code()).isEqualTo(401);
                assertThat(large.call("POST", "/v2.31.0.0/serving.echo", TestServer.basicA(), body).code()).isEqualTo(404);
                assertThat(large.call("POST", "/serving.nope", TestServer.basicA(), body).code()).isEqualTo(404);
            }
        }
    }

    @Test
    void extraRoutesAreServedAlongside() throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.uri("/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    @Test
    void missingRequiredFieldsAreAllNamed() {
        TestServer.Reply reply = server.get("/serving.required", "{\"second\": 1}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.subcode()).isEqualTo(11);
        assertThat(reply.message()).contains("first", "third").doesNotContain("second");
        assertThat(reply.meta().get("error_data").get("missing_fields").toString())
                .isEqualTo("[\"first\",\"third\"]");
        assertThat(reply.data().size()).isZero();
    }

    @Test
    void getWithJsonBodyIsRead() {
        TestServer.Reply reply = server.get("/serving.echo", "{\"name\": \"from-body\", \"flag\": true}");

        assertThat(reply.data().get("name").asText()).isEqualTo("from-body");
        assertThat(reply.data().get("flag").asBoolean()).isTrue();
    }

    @Test
    void getWithoutBodyTakesFieldsFromTheQueryString() {
        TestServer.Reply reply = server.get("/serving.echo?name=q&count=7&flag=false&ratio=0.5&size=None", null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("name").asText()).isEqualTo("q");
        assertThat(reply.data().get("count").asLong()).isEqualTo(7);
        assertThat(reply.data().get("flag").asBoolean()).isFalse();
        assertThat(reply.data().get("ratio").asDouble()).isEqualTo(0.5);
        assertThat(reply.data().get("size").asText()).isEqualTo("None");
    }

    @Test
    void nonNumericQueryStringNumberIsAValidationError() {
        TestServer.Reply reply = server.get("/serving.echo?count=many", null);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.subcode()).isEqualTo(12);
        assertThat(reply.message()).contains("count");
    }

    @Test
    void fractionInAnIntegerFieldIsRoundedHalfUp() {
        assertThat(server.get("/serving.echo", "{\"count\": 12.6}").data().get("count").asLong()).isEqualTo(13);
        assertThat(server.get("/serving.echo", "{\"count\": 12.5}").data().get("count").asLong()).isEqualTo(13);
        assertThat(server.get("/serving.echo", "{\"count\": 12.4}").data().get("count").asLong()).isEqualTo(12);
    }

    @Test
    void numberInAStringOrNumberFieldKeepsItsDecimalText() {
        assertThat(server.get("/serving.echo", "{\"size\": 1024}").data().get("size").asText()).isEqualTo("1024");
        assertThat(server.get("/serving.echo", "{\"size\": 12.5}").data().get("size").asText()).isEqualTo("12.5");
    }

    @Test
    void wrongTypeIsAValidationErrorNamingTheField() {
        TestServer.Reply reply = server.get("/serving.echo", "{\"name\": 5}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.subcode()).isEqualTo(12);
        assertThat(reply.meta().get("error_data").get("field").asText()).isEqualTo("name");
    }

    @Test
    void emptyBodyIsAnEmptyObject() {
        TestServer.Reply reply = server.call("POST", "/serving.echo", TestServer.basicA(), "");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("company").asText()).isEqualTo("company-a");
    }

    @Test
    void malformedJsonIsAValidationError() {
        TestServer.Reply reply = server.get("/serving.echo", "{\"name\": ");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.subcode()).isEqualTo(12);
    }

    @Test
    void bodyThatIsNotAnObjectIsAValidationError() {
        TestServer.Reply reply = server.get("/serving.echo", "[1, 2]");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.subcode()).isEqualTo(12);
    }

    @Test
    void trailingContentAndDuplicateKeysAreValidationErrors() {
        assertThat(server.get("/serving.echo", "{} {}").subcode()).isEqualTo(12);
        assertThat(server.get("/serving.echo", "{\"name\": \"a\", \"name\": \"b\"}").subcode()).isEqualTo(12);
    }

    @Test
    void deeplyNestedJsonIsAValidationError() {
        String nested = "{\"a\":".repeat(40) + "1" + "}".repeat(40);

        TestServer.Reply reply = server.get("/serving.echo", nested);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.subcode()).isEqualTo(12);
    }

    @Test
    void bodyOverTheLimitIsTooLarge() {
        String big = "{\"name\": \"" + "x".repeat(5000) + "\"}";

        TestServer.Reply reply = server.get("/serving.echo", big);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.code()).isEqualTo(413);
        assertThat(reply.meta().get("endpoint").get("name").asText()).isEqualTo("serving.echo");
    }

    @Test
    void chunkedBodyOverTheLimitIsTooLarge() {
        byte[] big = ("{\"name\": \"" + "x".repeat(5000) + "\"}").getBytes();
        HttpRequest request = HttpRequest.newBuilder(server.uri("/serving.echo"))
                .header("Authorization", TestServer.basicA())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                .build();

        TestServer.Reply reply = server.send(request);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.code()).isEqualTo(413);
    }

    @Test
    void handlerThrowingIsAnInternalErrorWithoutDetails() {
        TestServer.Reply reply = server.get("/serving.throws", "{}");

        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.code()).isEqualTo(500);
        assertThat(reply.subcode()).isZero();
        assertThat(reply.meta().get("error_stack").isNull()).isTrue();
        assertThat(reply.text()).doesNotContain("IllegalStateException", "hunter2", "at io.", "Exception");
    }

    @Test
    void handlerFailingLaterIsAnInternalErrorWithoutDetails() {
        TestServer.Reply reply = server.get("/serving.fails_later", "{}");

        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.subcode()).isZero();
        assertThat(reply.text()).doesNotContain("IllegalArgumentException", "xyz", "CompletionException", "Exception");
    }

    @Test
    void apiErrorCompletingTheStageIsAnsweredAsIs() {
        TestServer.Reply reply = server.get("/serving.rejects_later", "{}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.subcode()).isEqualTo(1052);
        assertThat(reply.meta().get("endpoint").get("actual_version").asText()).isEqualTo("2.31");
    }

    @Test
    void resultArrivingLaterIsAnswered() {
        TestServer.Reply reply = server.get("/serving.answers_later", "{}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("late").asBoolean()).isTrue();
    }

    @Test
    void callerIpIsTheSocketPeerWhenNoProxyForwards() {
        TestServer.Reply reply = server.get("/serving.echo", "{}");

        assertThat(reply.data().get("caller_ip").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void forwardedForFromATrustedPeerGivesTheCallerIp() {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/serving.echo"))
                .header("Authorization", TestServer.basicA())
                .header("X-Forwarded-For", "203.0.113.7")
                .method("GET", HttpRequest.BodyPublishers.ofString("{}"))
                .build();

        assertThat(server.send(request).data().get("caller_ip").asText()).isEqualTo("203.0.113.7");
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() {
        try (TestServer noProxies = new TestServer(TestServer.defaults().trustedProxies(List.of("10.0.0.0/8")).build(),
                List.of(ECHO), javalin -> { })) {
            HttpRequest request = HttpRequest.newBuilder(noProxies.uri("/serving.echo"))
                    .header("Authorization", TestServer.basicA())
                    .header("X-Forwarded-For", "203.0.113.7")
                    .header("X-Real-IP", "203.0.113.8")
                    .method("GET", HttpRequest.BodyPublishers.ofString("{}"))
                    .build();

            assertThat(noProxies.send(request).data().get("caller_ip").asText()).isEqualTo("127.0.0.1");
        }
    }
}
