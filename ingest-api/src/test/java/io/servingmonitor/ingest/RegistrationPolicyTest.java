package io.servingmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.ContainerKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ClearML's {@code container_auto_register} / {@code container_auto_unregister} over HTTP: in a
 * strict mode a write about a container the directory does not know is 400/1051 and publishes
 * nothing, after the directory was asked again for the bounded time; the defaults never ask.
 */
class RegistrationPolicyTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final Duration CONFIRM_WITHIN = Duration.ofMillis(600);
    private static final RegistrationPolicy STRICT = new RegistrationPolicy(false, false, CONFIRM_WITHIN);
    private static final String REPORT = "{\"container_id\": \"c-1\", \"endpoint_name\": \"ep\", \"model_name\": \"m\", "
            + "\"endpoint_url\": \"http://serving/ep\", \"requests_num\": 5}";
    private static final String UNREGISTER = "{\"container_id\": \"c-1\"}";

    private final RecordingPublisher publisher = new RecordingPublisher();
    private final FakeDirectory directory = new FakeDirectory();
    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private IngestClient start(RegistrationPolicy policy, ContainerDirectory containers) {
        ApiConfig config = ApiConfig.builder().build();
        Credentials credentials = Credentials.of("company-a:key-a:secret-a", "company-b:key-b:secret-b");
        IngestActions actions = new IngestActions(publisher, CLOCK, policy, containers);
        app = IngestApp.create(config, Authenticator.create(credentials, config, CLOCK), actions, CLOCK, javalin -> { })
                .start("127.0.0.1", 0);
        return new IngestClient(app.port());
    }

    private static void assertNotRegistered(IngestClient.Reply reply) {
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("meta").get("result_code").asInt()).isEqualTo(400);
        assertThat(reply.subcode()).isEqualTo(1051);
        assertThat(reply.errorData().get("container_id").asText()).isEqualTo("c-1");
    }

    @Test
    void strictStatusReportOfAnUnknownContainerIs1051AndPublishesNothing() {
        IngestClient client = start(STRICT, directory);

        IngestClient.Reply reply = client.call(IngestActions.CONTAINER_STATUS_REPORT, REPORT);

        assertNotRegistered(reply);
        assertThat(publisher.events()).isEmpty();
    }

    @Test
    void strictUnregisterOfAnUnknownContainerIs1051AndPublishesNothing() {
        IngestClient client = start(STRICT, directory);

        IngestClient.Reply reply = client.call(IngestActions.UNREGISTER_CONTAINER, UNREGISTER);

        assertNotRegistered(reply);
        assertThat(publisher.events()).isEmpty();
    }

    @Test
    void notRegisteredIsBelievedOnlyAfterAskingAgainForTheBoundedTime() {
        IngestClient client = start(STRICT, directory);
        long started = System.nanoTime();

        assertNotRegistered(client.call(IngestActions.CONTAINER_STATUS_REPORT, REPORT));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(CONFIRM_WITHIN);
        assertThat(directory.asks.get()).isGreaterThan(2);
    }

    @Test
    void strictWritesOfARegisteredContainerArePublished() {
        IngestClient client = start(STRICT, directory);
        directory.register("company-a", "c-1");

        IngestClient.Reply report = client.call(IngestActions.CONTAINER_STATUS_REPORT, REPORT);
        IngestClient.Reply unregister = client.call(IngestActions.UNREGISTER_CONTAINER, UNREGISTER);

        assertThat(report.status()).isEqualTo(200);
        assertThat(unregister.status()).isEqualTo(200);
        assertThat(publisher.events()).extracting(event -> event.type())
                .containsExactly(ContainerEventType.STATUS_REPORT, ContainerEventType.UNREGISTER);
        assertThat(directory.asked).containsExactly(new ContainerKey("company-a", "c-1"), new ContainerKey("company-a", "c-1"));
    }

    @Test
    void theDirectoryIsAskedForTheCallersCompanyOnly() {
        IngestClient client = start(STRICT, directory);
        directory.register("company-b", "c-1");

        assertNotRegistered(client.call(IngestActions.UNREGISTER_CONTAINER, IngestClient.KEY_A, UNREGISTER));

        assertThat(directory.asked).containsOnly(new ContainerKey("company-a", "c-1"));
        assertThat(publisher.events()).isEmpty();
    }

    @Test
    void aContainerTheDirectoryConfirmsOnTheSecondAskIsAccepted() {
        IngestClient client = start(STRICT, directory);
        directory.registeredFromAsk("company-a", "c-1", 2);

        IngestClient.Reply reply = client.call(IngestActions.CONTAINER_STATUS_REPORT, REPORT);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(directory.asks).hasValue(2);
        assertThat(publisher.onlyEvent().type()).isEqualTo(ContainerEventType.STATUS_REPORT);
    }

    @Test
    void theDefaultsNeverAskTheDirectoryAndAcceptUnknownContainers() {
        IngestClient client = start(RegistrationPolicy.AUTO, directory);

        IngestClient.Reply report = client.call(IngestActions.CONTAINER_STATUS_REPORT, REPORT);
        IngestClient.Reply unregister = client.call(IngestActions.UNREGISTER_CONTAINER, UNREGISTER);

        assertThat(report.status()).isEqualTo(200);
        assertThat(unregister.status()).isEqualTo(200);
        assertThat(publisher.events()).hasSize(2);
        assertThat(directory.asks).hasValue(0);
    }

    @Test
    void eachFlagMakesOnlyItsOwnActionStrict() {
        IngestClient client = start(new RegistrationPolicy(false, true, CONFIRM_WITHIN), directory);

        IngestClient.Reply unregister = client.call(IngestActions.UNREGISTER_CONTAINER, UNREGISTER);

        assertThat(unregister.status()).isEqualTo(200);
        assertThat(directory.asks).hasValue(0);
        assertNotRegistered(client.call(IngestActions.CONTAINER_STATUS_REPORT, REPORT));
        assertThat(publisher.onlyEvent().type()).isEqualTo(ContainerEventType.UNREGISTER);
    }

    @Test
    void registerIsNeverCheckedEvenInStrictMode() {
        IngestClient client = start(STRICT, directory);

        IngestClient.Reply reply = client.call(IngestActions.REGISTER_CONTAINER, REPORT);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(directory.asks).hasValue(0);
        assertThat(publisher.onlyEvent().type()).isEqualTo(ContainerEventType.REGISTER);
    }

    @Test
    void aDirectoryThatCannotAnswerIs503AndPublishesNothing() {
        IngestClient client = start(STRICT, (company, containerId) ->
                CompletableFuture.failedFuture(ApiException.unavailable("registry rebalancing")));

        IngestClient.Reply reply = client.call(IngestActions.CONTAINER_STATUS_REPORT, REPORT);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(publisher.events()).isEmpty();
    }

    @Test
    void withoutARegistryStrictModesBehaveAsTheDefaults() {
        IngestClient client = start(STRICT, ContainerDirectory.UNKNOWN);

        IngestClient.Reply report = client.call(IngestActions.CONTAINER_STATUS_REPORT, REPORT);
        IngestClient.Reply unregister = client.call(IngestActions.UNREGISTER_CONTAINER, UNREGISTER);

        assertThat(report.status()).isEqualTo(200);
        assertThat(unregister.status()).isEqualTo(200);
        assertThat(publisher.events()).hasSize(2);
    }

    /** Knows the containers it is told; counts and records every ask. */
    private static final class FakeDirectory implements ContainerDirectory {
        final Set<ContainerKey> registered = ConcurrentHashMap.newKeySet();
        final List<ContainerKey> asked = new CopyOnWriteArrayList<>();
        final AtomicInteger asks = new AtomicInteger();
        volatile ContainerKey lateKey;
        volatile int lateFromAsk;

        void register(String company, String containerId) {
            registered.add(new ContainerKey(company, containerId));
        }

        /** The container is known from the {@code ask}-th ask on (a register the topology processes late). */
        void registeredFromAsk(String company, String containerId, int ask) {
            lateKey = new ContainerKey(company, containerId);
            lateFromAsk = ask;
        }

        @Override
        public CompletionStage<Boolean> isRegistered(String company, String containerId) {
            ContainerKey key = new ContainerKey(company, containerId);
            asked.add(key);
            int ask = asks.incrementAndGet();
            boolean known = registered.contains(key) || (key.equals(lateKey) && ask >= lateFromAsk);
            // Answer later, on another thread, as a store read does.
            return CompletableFuture.supplyAsync(() -> known);
        }
    }
}
