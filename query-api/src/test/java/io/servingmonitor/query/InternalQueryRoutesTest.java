package io.servingmonitor.query;

import static io.servingmonitor.processor.Events.URL_A;
import static io.servingmonitor.processor.Events.at;
import static io.servingmonitor.processor.Events.load;
import static io.servingmonitor.processor.Events.register;
import static io.servingmonitor.processor.Events.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.processor.Events;
import io.servingmonitor.processor.TopologyFixture;
import io.servingmonitor.topics.Json;
import io.servingmonitor.topics.MetricType;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /internal/query/*}: only a current internal token signed with the deployment's secret
 * for that action and company gets data; the answers travel back through {@link PeerClient} as
 * the same records (and errors as the same {@code ApiException}) as a local read.
 */
class InternalQueryRoutesTest {

    private static final String SECRET = "a-test-secret-of-enough-length-42";
    private static final String PATH = InternalQueryRoutes.PATH_PREFIX + "get_endpoints";

    @TempDir
    Path stateDir;

    private TopologyFixture topology;
    private TestClock clock;
    private ExecutorService executor;
    private ServingQueries queries;
    private InternalTokens tokens;
    private Javalin app;
    private HostInfo self;
    private PeerClient peers;
    private ServingClient http;

    @BeforeEach
    void setUp() {
        topology = TopologyFixture.withDefaults(stateDir);
        clock = new TestClock(Events.T0);
        executor = Executors.newFixedThreadPool(2);
        queries = FixtureStores.queries(topology, clock);
        ApiConfig config = ApiConfig.builder().tokenSecret(SECRET).build();
        Authenticator authenticator = Authenticator.create(Credentials.of(Events.COMPANY + ":ak:sk"), config, clock);
        QueryRouter router = QueryRouter.localOnly(queries, new StoreReads(executor, Duration.ofSeconds(2)));
        tokens = new InternalTokens(config.tokenSecret(), clock);
        InternalQueryRoutes internal = new InternalQueryRoutes(tokens, router);
        app = QueryApp.create(config, authenticator, new QueryActions(router), internal::install).start("127.0.0.1", 0);
        self = new HostInfo("127.0.0.1", app.port());
        peers = new PeerClient(tokens, Duration.ofSeconds(2));
        http = new ServingClient("http://127.0.0.1:" + app.port());

        topology.send(report("c1", URL_A, at(1), load(100, 1000, 10.0, 20)),
                report("c2", URL_A, at(2), load(50, 500, 5.5, 31)),
                register("c9", null, at(0), 600));
        clock.set(at(30));
    }

    @AfterEach
    void tearDown() {
        app.stop();
        executor.shutdownNow();
        topology.close();
    }

    private String body(String company) {
        return "{\"company\":\"" + company + "\",\"now_ms\":" + clock.millis() + ",\"partitions\":[0],"
                + "\"allow_stale\":false,\"request\":{}}";
    }

    private static void assertRefusedWithoutData(Reply reply) {
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.resultCode()).isEqualTo(401);
        assertThat(reply.data().isObject() && reply.data().isEmpty()).isTrue();
        assertThat(reply.body()).doesNotContain(URL_A);
    }

    @Test
    void withoutTokenIs401AndNoData() {
        Reply reply = http.call("POST", PATH, null, body(Events.COMPANY));

        assertRefusedWithoutData(reply);
        assertThat(reply.resultSubcode()).isEqualTo(20);
    }

    @Test
    void basicCredentialsOfAClientAre401() {
        assertRefusedWithoutData(http.call("POST", PATH, ServingClient.basic("ak", "sk"), body(Events.COMPANY)));
    }

    @Test
    void aClientsClearMlTokenIs401() {
        ServingClient client = new ServingClient("http://127.0.0.1:" + app.port()).login("ak", "sk");
        assertThat(client.get("serving.get_endpoints", "{}").status()).isEqualTo(200);

        Reply reply = client.call("POST", PATH, body(Events.COMPANY));

        assertRefusedWithoutData(reply);
        assertThat(reply.resultSubcode()).isEqualTo(30);
    }

    @Test
    void aTokenSignedWithAnotherSecretIs401() {
        String forged = new InternalTokens("another-secret-of-enough-length-4242", clock).issue(Events.COMPANY, "get_endpoints");

        assertRefusedWithoutData(http.call("POST", PATH, "Bearer " + forged, body(Events.COMPANY)));
    }

    @Test
    void anExpiredTokenIs401() {
        String token = tokens.issue(Events.COMPANY, "get_endpoints");
        clock.advance(InternalTokens.VALIDITY.plusSeconds(10));

        assertRefusedWithoutData(http.call("POST", PATH, "Bearer " + token, body(Events.COMPANY)));
    }

    @Test
    void aTokenForAnotherCompanyOrActionIs401() {
        assertRefusedWithoutData(http.call("POST", PATH, "Bearer " + tokens.issue("globex", "get_endpoints"),
                body(Events.COMPANY)));
        assertRefusedWithoutData(http.call("POST", PATH, "Bearer " + tokens.issue(Events.COMPANY, "get_endpoint_details"),
                body(Events.COMPANY)));
    }

    @Test
    void aValidTokenGetsTheLocalAnswer() {
        Reply reply = http.call("POST", PATH, "Bearer " + tokens.issue(Events.COMPANY, "get_endpoints"), body(Events.COMPANY));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().path("endpoints")).hasSize(1);
        assertThat(reply.data().path("endpoints").get(0).path("url").asText()).isEqualTo(URL_A);
    }

    @Test
    void theInternalTokenIsRefusedByThePublicApi() {
        Reply reply = http.call("GET", "/serving.get_endpoints", "Bearer " + tokens.issue(Events.COMPANY, "get_endpoints"), "{}");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.data().isEmpty()).isTrue();
    }

    @Test
    void unknownActionIs404AndAnUnusableBodyIs400() {
        String token = tokens.issue(Events.COMPANY, "get_endpoints");
        assertThat(http.call("POST", InternalQueryRoutes.PATH_PREFIX + "delete_everything", "Bearer " + token,
                body(Events.COMPANY)).status()).isEqualTo(404);
        Reply noPartitions = http.call("POST", PATH, "Bearer " + token,
                "{\"company\":\"acme\",\"now_ms\":1,\"partitions\":[],\"request\":{}}");
        assertThat(noPartitions.status()).isEqualTo(400);
        assertThat(noPartitions.resultSubcode()).isEqualTo(12);
        assertThat(http.call("POST", PATH, "Bearer " + token, "[1,2").status()).isEqualTo(400);
    }

    @Test
    void aHistoryRequestOutsideTheBoundsIs400AndIsNotPlanned() {
        String token = tokens.issue(Events.COMPANY, "get_endpoint_metrics_history");
        ObjectNode history = Json.mapper().valueToTree(new MetricsHistoryRequest(URL_A, Events.T0.toEpochMilli(),
                Events.T0.toEpochMilli() + 80_000, 40, MetricType.REQUESTS, true));
        history.put("interval_sec", 18_446_744_073_709_550L);
        String body = "{\"company\":\"acme\",\"now_ms\":" + clock.millis() + ",\"partitions\":[0],"
                + "\"allow_stale\":false,\"request\":" + history + "}";

        Reply reply = http.call("POST", InternalQueryRoutes.PATH_PREFIX + "get_endpoint_metrics_history",
                "Bearer " + token, body);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.resultSubcode()).isEqualTo(12);
    }

    @Test
    void everyAnswerTravelsBackAsTheSameRecordAsTheLocalRead() {
        topology.send(report("c1", URL_A, at(40), load(140, 1400, 12.0, 22)));
        clock.set(at(100));
        long now = clock.millis();
        MetricsHistoryRequest history = new MetricsHistoryRequest(URL_A, Events.T0.toEpochMilli(),
                Events.T0.toEpochMilli() + 80_000, 40, MetricType.REQUESTS, true);

        assertThat(ask(PeerAction.GET_ENDPOINTS, Json.mapper().createObjectNode()))
                .isEqualTo(queries.endpoints(Events.COMPANY, now));
        assertThat(ask(PeerAction.GET_LOADING_INSTANCES, Json.mapper().createObjectNode()))
                .isEqualTo(queries.loadingInstances(Events.COMPANY, now));
        assertThat(ask(PeerAction.GET_ENDPOINT_DETAILS, Json.mapper().createObjectNode().put("endpoint_url", URL_A)))
                .isEqualTo(queries.endpointDetails(Events.COMPANY, URL_A, now));
        MetricsHistoryResponse remote = ask(PeerAction.GET_ENDPOINT_METRICS_HISTORY, Json.mapper().valueToTree(history));
        assertThat(remote).isEqualTo(queries.metricsHistory(Events.COMPANY, history, now));
        assertThat(remote.total().values()).isNotEmpty();
        assertThat(remote.instances()).containsKey("c1");
    }

    /**
     * Regression (found by TenantIsolationEndToEndProperties): a container id with a lone surrogate
     * is a field name of the history's {@code instances}; Jackson's byte parser refuses such a name,
     * so the peer's answer read as "no envelope" and the read failed with 500 on the other instance.
     */
    @Test
    void historyOfAContainerWithALoneSurrogateInItsIdTravelsBackExactly() {
        String id = "c\uDB5C\u3B3A";
        topology.send(report(id, URL_A, at(40), load(140, 1400, 12.0, 22)));
        clock.set(at(100));
        MetricsHistoryRequest history = new MetricsHistoryRequest(URL_A, Events.T0.toEpochMilli(),
                Events.T0.toEpochMilli() + 80_000, 40, MetricType.REQUESTS, true);

        MetricsHistoryResponse remote = ask(PeerAction.GET_ENDPOINT_METRICS_HISTORY, Json.mapper().valueToTree(history));

        assertThat(remote).isEqualTo(queries.metricsHistory(Events.COMPANY, history, clock.millis()));
        assertThat(remote.instances()).containsKey(id);
    }

    @Test
    void containerRegisteredIsAnsweredThroughTheInternalEndpoint() {
        ObjectNode registered = Json.mapper().createObjectNode().put("container_id", "c9");
        ObjectNode unknown = Json.mapper().createObjectNode().put("container_id", "c-unknown");

        assertThat(ask(PeerAction.CONTAINER_REGISTERED, registered)).isEqualTo(new ContainerRegistration(true));
        assertThat(ask(PeerAction.CONTAINER_REGISTERED, unknown)).isEqualTo(new ContainerRegistration(false));
        clock.set(at(600));
        assertThat(ask(PeerAction.CONTAINER_REGISTERED, registered)).as("expired at its timeout")
                .isEqualTo(new ContainerRegistration(false));
    }

    @Test
    void containerRegisteredWithoutContainerIdIs400AndIsNoPublicAction() {
        Reply noId = http.call("POST", InternalQueryRoutes.PATH_PREFIX + "container_registered",
                "Bearer " + tokens.issue(Events.COMPANY, "container_registered"), body(Events.COMPANY));
        Reply publicCall = http.call("GET", "/serving.container_registered", ServingClient.basic("ak", "sk"),
                "{\"container_id\": \"c9\"}");

        assertThat(noId.status()).isEqualTo(400);
        assertThat(noId.resultSubcode()).isEqualTo(12);
        assertThat(publicCall.status()).isEqualTo(404);
    }

    @Test
    void anErrorOfThePeerArrivesAsTheSameApiException() {
        Throwable thrown = catchThrowable(() -> ask(PeerAction.GET_ENDPOINT_DETAILS,
                Json.mapper().createObjectNode().put("endpoint_url", "https://serve.example/none")));

        ApiException local = ApiException.noInstances("https://serve.example/none");
        assertThat(thrown).isInstanceOf(ApiException.class).hasMessage(local.getMessage());
        ApiException remote = (ApiException) thrown;
        assertThat(remote.httpCode()).isEqualTo(400);
        assertThat(remote.subcode()).isEqualTo(1052);
        assertThat(remote.errorData()).isEqualTo(local.errorData());
    }

    @Test
    void aPeerThatIsNotListeningIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PeerQuery query = new PeerQuery(Events.COMPANY, clock.millis(), List.of(0), false, null);

        Throwable thrown = catchThrowable(() -> peers.query(new HostInfo("127.0.0.1", closedPort),
                PeerAction.GET_ENDPOINTS, query, Duration.ofSeconds(2)).toCompletableFuture().join());

        assertThat(thrown).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(PeerTransport.PeerUnreachableException.class);
    }

    @Test
    void aPeerAnswering500IsTransientSoThatAnotherCopyOrALaterAttemptIsAsked() throws IOException {
        com.sun.net.httpserver.HttpServer failing = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext("/", exchange -> {
            byte[] envelope = ("{\"meta\": {\"result_code\": 500, \"result_subcode\": 0,"
                    + " \"result_msg\": \"Internal server error\"}, \"data\": {}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, envelope.length);
            exchange.getResponseBody().write(envelope);
            exchange.close();
        });
        failing.start();
        try {
            PeerQuery query = new PeerQuery(Events.COMPANY, clock.millis(), List.of(0), false, null);
            Throwable thrown = catchThrowable(() -> peers.query(new HostInfo("127.0.0.1", failing.getAddress().getPort()),
                    PeerAction.GET_ENDPOINTS, query, Duration.ofSeconds(2)).toCompletableFuture().join());

            assertThat(StoreReads.unwrap(thrown)).isInstanceOf(StoreReads.TransientReadException.class);
            assertThat(StoreReads.isTransient(StoreReads.unwrap(thrown))).isTrue();
        } finally {
            failing.stop(0);
        }
    }

    private <R> R ask(PeerAction<R> action, ObjectNode request) {
        PeerQuery query = new PeerQuery(Events.COMPANY, clock.millis(), List.of(0), false, request);
        try {
            return peers.query(self, action, query, Duration.ofSeconds(5)).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw (RuntimeException) StoreReads.unwrap(e);
        }
    }
}
