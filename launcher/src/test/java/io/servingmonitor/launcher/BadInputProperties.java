package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.launcher.FuzzRequests.Call;
import io.servingmonitor.launcher.FuzzRequests.Keys;
import io.servingmonitor.topics.ContainerEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Promise 9, bad input is harmless: over generated calls to every action (good ones, mutated ones,
 * garbage; see {@link FuzzRequests}) sent to the whole API in this JVM, every call is answered, no
 * answer is a 5xx, every answer is a ClearML envelope whose {@code result_code} is the HTTP status
 * (a HEAD answer has no body at all), and a write leaves exactly one event when it is answered 200
 * and none otherwise (none for HEAD). The events go through the real
 * topology, so the reads among the calls see what the accepted writes stored.
 */
class BadInputProperties {

    private static final String COMPANY = "fuzz-co";
    private static final String OTHER_COMPANY = "fuzz-other-co";
    /** Calls sent: 10,000 random draws, and the edge cases jqwik mixes in. */
    static final int TRIES = 12_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static InProcessApi api;
    private static Keys keys;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeContainer
    static void start() {
        api = InProcessApi.start(Credentials.of(COMPANY + ":fuzz-key:fuzz-secret", OTHER_COMPANY + ":other-key:other-secret"));
        String basic = ServingClient.basic("fuzz-key", "fuzz-secret");
        ServingClient.Reply login = new ServingClient(api.baseUrl()).call("GET", "/auth.login", basic, null);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        keys = new Keys(basic, "Bearer " + login.data().path("token").asText(),
                ServingClient.basic("other-key", "other-secret"));
    }

    @AfterContainer
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    /**
     * The calls are sent one after the other to one API, so a try sees what the writes before it
     * stored. Every call is answered: a refused call's body is read and dropped before the answer (up
     * to {@link ApiConfig#DEFAULT_DISCARD_LIMIT_BYTES}, far above the largest generated body), so no
     * call meets a closed connection, and none is sent twice. What could still go unanswered is not
     * generated here: a body over the discard limit (answered, then the connection closed) and a
     * request Jetty cannot parse at all (a broken request line or headers; {@code java.net.http}
     * sends none).
     *
     * <p>12,000 calls from a fixed seed: jqwik mixes about 2,000 edge cases of the generators (empty
     * and largest values, extremes) into the tries, and 10,000 of them stay random draws. No
     * shrinking: the API keeps the state of every call before, so a smaller call on its own would not
     * repeat the failure, and shrinking would send thousands more calls; jqwik reports the failing
     * call and the seed.
     */
    @Property(seed = "20261202", tries = TRIES, shrinking = ShrinkingMode.OFF)
    void noCallIsAnsweredWithA5xxOrWithoutAnEnvelopeOrLeavesAnEventWhenRejected(@ForAll("calls") Call call) {
        int eventsBefore = api.eventCount();
        Answer answer = send(HTTP, call);
        int written = api.eventCount() - eventsBefore;

        assertThat(answer.status()).as("status of %s: %s", call, answer.body()).isBetween(200, 499);
        if (call.method().equals("HEAD")) {
            assertThat(answer.body()).as("body of the answer to %s", call).isEmpty();
            assertThat(written).as("events written by %s answered %s", call, answer.status()).isZero();
            return;
        }
        JsonNode meta = answer.json().path("meta");
        assertThat(meta.isObject()).as("an envelope answers %s; got %s", call, answer.body()).isTrue();
        assertThat(meta.path("result_code").asInt()).as("result_code of %s", call).isEqualTo(answer.status());
        assertThat(meta.path("error_stack").isNull()).as("no stack trace for %s", call).isTrue();
        String served = answer.json().path("meta").path("endpoint").path("name").asText("");
        boolean acceptedWrite = answer.status() == 200 && FuzzRequests.WRITE_ACTIONS.contains(served);
        assertThat(written).as("events written by %s answered %s", call, answer.status()).isEqualTo(acceptedWrite ? 1 : 0);
        if (acceptedWrite) {
            ContainerEvent event = api.events().get(api.eventCount() - 1);
            assertThat(event.company()).as("company of the event of %s", call)
                    .isEqualTo(call.authorization().equals(keys.otherBasic()) ? OTHER_COMPANY : COMPANY);
        }
    }

    /** Calls to the API started for this class, with its credentials among the generated ones. */
    @Provide
    Arbitrary<Call> calls() {
        return FuzzRequests.calls(keys);
    }

    /** An answer: status, raw body and its JSON (a missing node when it is not JSON). */
    record Answer(int status, String body, JsonNode json) {
    }

    /** The call answered last, named when a call gets no answer (the connection it reused may be why). */
    private static volatile Call previous;

    static Answer send(HttpClient http, Call call) {
        try {
            HttpResponse<String> response = http.send(call.request(api.baseUrl(), Duration.ofSeconds(20)),
                    HttpResponse.BodyHandlers.ofString());
            previous = call;
            return new Answer(response.statusCode(), response.body(), parse(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("no answer to " + call + " (previous call: " + previous + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parse(String body) {
        try {
            return body == null || body.isEmpty() ? MAPPER.missingNode() : MAPPER.readTree(body);
        } catch (IOException e) {
            return MAPPER.missingNode();
        }
    }

}
