package io.servingmonitor.query;

import static io.servingmonitor.processor.Events.URL_A;
import static io.servingmonitor.processor.Events.at;
import static io.servingmonitor.processor.Events.load;
import static io.servingmonitor.processor.Events.register;
import static io.servingmonitor.processor.Events.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.processor.Events;
import io.servingmonitor.processor.TopologyFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read actions over HTTP, answered from the topology's stores (fed through a TopologyTestDriver). */
class QueryHttpTest {

    private static final String COMPANY_B = "globex";

    private static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @TempDir
    Path stateDir;

    private TopologyFixture topology;
    private TestClock clock;
    private ExecutorService executor;
    private Javalin app;
    private ServingClient acme;
    private ServingClient globex;

    @BeforeEach
    void setUp() {
        topology = TopologyFixture.withDefaults(stateDir);
        clock = new TestClock(Events.T0);
        executor = Executors.newFixedThreadPool(2);
        ServingQueries queries = FixtureStores.queries(topology, clock);
        ApiConfig config = ApiConfig.builder().tokenSecret("a-test-secret-of-enough-length-42").build();
        Credentials credentials = Credentials.of(Events.COMPANY + ":ak:sk", COMPANY_B + ":bk:bs");
        app = QueryApp.create(config, Authenticator.create(credentials, config, clock),
                new QueryActions(queries, new StoreReads(executor, Duration.ofSeconds(2))), javalin -> { })
                .start("127.0.0.1", 0);
        String base = "http://127.0.0.1:" + app.port();
        acme = new ServingClient(base).withBasic("ak", "sk");
        globex = new ServingClient(base).withBasic("bk", "bs");
    }

    @AfterEach
    void tearDown() {
        app.stop();
        executor.shutdownNow();
        topology.close();
    }

    @Test
    void aListWithAPartitionThatNeverGetsAnOwnerIs503InTheEnvelopeAtTheReadDeadline() {
        ServingQueries queries = FixtureStores.queries(topology, clock);
        StoreLocator ownerNeverKnown = new StoreLocator() {
            private final HostInfo self = new HostInfo("self", 1);

            @Override
            public HostInfo self() {
                return self;
            }

            @Override
            public PartitionLocation locateKey(String store, io.servingmonitor.topics.EndpointKey key) {
                throw new StoreReads.TransientReadException("not known yet");
            }

            @Override
            public PartitionLocation locateKey(String store, io.servingmonitor.topics.ContainerKey key) {
                throw new StoreReads.TransientReadException("not known yet");
            }

            @Override
            public List<PartitionLocation> locateAll(String store) {
                return List.of(new PartitionLocation(0, self, List.of()), PartitionLocation.unowned(1, List.of()));
            }
        };
        Duration deadline = Duration.ofSeconds(1);
        ApiConfig config = ApiConfig.builder().tokenSecret("a-test-secret-of-enough-length-42").build();
        Javalin stuck = QueryApp.create(config, Authenticator.create(Credentials.of(Events.COMPANY + ":ak:sk"), config, clock),
                new QueryActions(new QueryRouter(queries, new StoreReads(executor, deadline), ownerNeverKnown,
                        PeerTransport.none())), javalin -> { }).start("127.0.0.1", 0);
        try {
            long start = System.nanoTime();
            Reply reply = new ServingClient("http://127.0.0.1:" + stuck.port()).withBasic("ak", "sk")
                    .get("serving.get_endpoints", "{}");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.resultCode()).isEqualTo(503);
            assertThat(reply.meta().path("endpoint").path("name").asText()).isEqualTo("serving.get_endpoints");
            assertThat(reply.meta().path("result_msg").asText()).contains("rebalanced");
            assertThat(took).isGreaterThan(deadline.minusMillis(520)).isLessThan(deadline.plusSeconds(2));
        } finally {
            stuck.stop();
        }
    }

    @Test
    void getEndpointsAnswersTheRowsInTheEnvelope() {
        topology.send(report("c1", URL_A, at(1), load(100, 1000, 10.0, 20)),
                report("c2", URL_A, at(2), load(50, 500, 5.5, 31)));
        clock.set(at(3));

        Reply reply = acme.get("serving.get_endpoints", "{}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.meta().path("endpoint").path("name").asText()).isEqualTo("serving.get_endpoints");
        assertThat(reply.data().path("endpoints")).hasSize(1);
        assertThat(reply.data().path("endpoints").get(0).toString()).isEqualTo(
                "{\"endpoint\":\"endpoint-1\",\"model\":\"model-1\",\"url\":\"" + URL_A + "\",\"instances\":2,"
                        + "\"uptime_sec\":100,\"requests\":1500,\"requests_min\":7.75,\"latency_ms\":26,"
                        + "\"last_update\":\"2025-03-01T12:00:02Z\"}");
    }

    @Test
    void webUiVersionedPathIsServed() {
        Reply reply = acme.call("POST", "/v999.0/serving.get_endpoints", "{}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.meta().path("endpoint").path("requested_version").asText()).isEqualTo("999.0");
        assertThat(reply.meta().path("endpoint").path("actual_version").asText()).isEqualTo("2.31");
    }

    @Test
    void loadingInstancesListEveryFieldIncludingANullUrl() {
        topology.send(register("c9", null, at(0), 600));
        clock.set(at(30));

        Reply reply = acme.get("serving.get_loading_instances", null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().path("instances").get(0).toString()).isEqualTo(
                "{\"id\":\"c9\",\"endpoint\":\"endpoint-1\",\"url\":null,\"model\":\"model-1\","
                        + "\"model_source\":\"s3://models/model-1\",\"model_version\":\"1\",\"preprocess_artifact\":null,"
                        + "\"input_type\":\"json\",\"input_size\":\"128\",\"uptime_sec\":0,\"age_sec\":30,"
                        + "\"last_update\":\"2025-03-01T12:00:00Z\"}");
    }

    @Test
    void loadingInstanceOfANodeWithARegionAddsOnlyTheRegionField() {
        topology.send(register("c9", null, at(0), 600).inRegion("eu-west-1"));
        clock.set(at(30));

        Reply reply = acme.get("serving.get_loading_instances", null);

        assertThat(reply.data().path("instances").get(0).toString()).isEqualTo(
                "{\"id\":\"c9\",\"endpoint\":\"endpoint-1\",\"url\":null,\"model\":\"model-1\","
                        + "\"model_source\":\"s3://models/model-1\",\"model_version\":\"1\",\"preprocess_artifact\":null,"
                        + "\"input_type\":\"json\",\"input_size\":\"128\",\"uptime_sec\":0,\"age_sec\":30,"
                        + "\"last_update\":\"2025-03-01T12:00:00Z\",\"region\":\"eu-west-1\"}");
    }

    @Test
    void loadingInstanceWithoutRegionHasNoRegionKey() {
        topology.send(register("c9", null, at(0), 600));
        clock.set(at(30));

        Reply reply = acme.get("serving.get_loading_instances", null);

        assertThat(fieldNames(reply.data().path("instances").get(0))).containsExactly("id", "endpoint", "url", "model",
                "model_source", "model_version", "preprocess_artifact", "input_type", "input_size", "uptime_sec", "age_sec",
                "last_update");
    }

    @Test
    void endpointDetailsWithoutRegionsAreExactlyClearMlsShapeWithNoRegionKey() {
        topology.send(report("c1", URL_A, at(1), load(100, 1000, 10.0, 20)));
        clock.set(at(3));

        Reply reply = acme.get("serving.get_endpoint_details", "{\"endpoint_url\": \"" + URL_A + "\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().toString()).isEqualTo(
                "{\"endpoint\":\"endpoint-1\",\"model\":\"model-1\",\"url\":\"" + URL_A + "\","
                        + "\"preprocess_artifact\":null,\"input_type\":\"json\",\"input_size\":\"128\","
                        + "\"model_source\":\"s3://models/model-1\",\"model_version\":\"1\",\"uptime_sec\":100,"
                        + "\"last_update\":\"2025-03-01T12:00:01Z\",\"instances\":[{\"id\":\"c1\",\"uptime_sec\":100,"
                        + "\"requests\":1000,\"requests_min\":10.0,\"latency_ms\":20,\"last_update\":\"2025-03-01T12:00:01Z\","
                        + "\"reference\":[],\"cpu_count\":0,\"gpu_count\":0}]}");
        assertThat(reply.data().toString()).doesNotContain("region");
    }

    @Test
    void endpointDetailsInstancesShowTheRegionOfEachContainerThatHasOne() {
        topology.send(report("c1", URL_A, at(1), load(100, 1000, 10.0, 20)).inRegion("eu-west-1"),
                report("c2", URL_A, at(2), load(50, 500, 5.5, 31)));
        clock.set(at(3));

        Reply reply = acme.get("serving.get_endpoint_details", "{\"endpoint_url\": \"" + URL_A + "\"}");

        JsonNode instances = reply.data().path("instances");
        assertThat(instances.get(0).toString()).isEqualTo("{\"id\":\"c1\",\"uptime_sec\":100,\"requests\":1000,"
                + "\"requests_min\":10.0,\"latency_ms\":20,\"last_update\":\"2025-03-01T12:00:01Z\",\"reference\":[],"
                + "\"cpu_count\":0,\"gpu_count\":0,\"region\":\"eu-west-1\"}");
        assertThat(fieldNames(instances.get(1))).doesNotContain("region");
        assertThat(fieldNames(reply.data())).as("the endpoint itself has no region").doesNotContain("region");
    }

    @Test
    void endpointDetailsWithoutUrlIsMissingField() {
        Reply reply = acme.get("serving.get_endpoint_details", "{}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.resultSubcode()).isEqualTo(11);
        assertThat(reply.resultMsg()).contains("endpoint_url");
    }

    @Test
    void endpointDetailsOfAnUrlWithoutInstancesIs1052() {
        Reply reply = acme.get("serving.get_endpoint_details", "{\"endpoint_url\": \"nope\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.resultSubcode()).isEqualTo(1052);
    }

    @Test
    void metricsHistoryAnswersMillisecondDatesAndComputedInterval() {
        topology.send(report("c1", URL_A, at(5), load(10, 100, 1, 10)));
        clock.set(at(100));
        long from = Events.T0.getEpochSecond();

        Reply reply = acme.get("serving.get_endpoint_metrics_history", "{\"endpoint_url\": \"" + URL_A
                + "\", \"from_date\": " + from + ", \"to_date\": " + (from + 80) + ", \"interval\": 1}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().path("computed_interval").asLong()).isEqualTo(40);
        assertThat(reply.data().path("total").toString()).isEqualTo(
                "{\"title\":\"Number of Requests\",\"dates\":[" + from * 1000 + "],\"values\":[100.0]}");
        assertThat(reply.data().path("instances").path("c1").path("title").asText()).isEqualTo("c1");
    }

    @Test
    void metricsHistoryWithFromNotBeforeToIsInvalidFields() {
        Reply reply = acme.get("serving.get_endpoint_metrics_history",
                "{\"endpoint_url\": \"u\", \"from_date\": 100, \"to_date\": 100, \"interval\": 10}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.resultSubcode()).isEqualTo(16);
    }

    @Test
    void metricsHistoryWithUnknownMetricTypeIsValidationError() {
        Reply reply = acme.get("serving.get_endpoint_metrics_history",
                "{\"endpoint_url\": \"u\", \"from_date\": 1, \"to_date\": 100, \"interval\": 10, \"metric_type\": \"watts\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.resultSubcode()).isEqualTo(12);
        assertThat(reply.resultMsg()).contains("metric_type");
    }

    @Test
    void metricsHistoryWithIntervalBelowOneIsValidationError() {
        Reply reply = acme.get("serving.get_endpoint_metrics_history",
                "{\"endpoint_url\": \"u\", \"from_date\": 1, \"to_date\": 100, \"interval\": 0}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.resultSubcode()).isEqualTo(12);
        assertThat(reply.resultMsg()).contains("interval");
    }

    @Test
    void metricsHistoryWithAnIntervalThatWouldOverflowTheBucketStepIsValidationError() {
        Reply reply = acme.get("serving.get_endpoint_metrics_history",
                "{\"endpoint_url\": \"u\", \"from_date\": 1, \"to_date\": 100, \"interval\": 18446744073709550}");

        assertValidationError(reply, "interval");
    }

    @Test
    void metricsHistoryIntervalIsAtMostAHundredYears() {
        long from = Events.T0.getEpochSecond();
        String body = "{\"endpoint_url\": \"" + URL_A + "\", \"from_date\": " + from + ", \"to_date\": "
                + (from + 80) + ", \"interval\": ";

        Reply atLimit = acme.get("serving.get_endpoint_metrics_history", body + MetricsHistoryRequest.MAX_INTERVAL_SEC + "}");
        Reply overLimit = acme.get("serving.get_endpoint_metrics_history",
                body + (MetricsHistoryRequest.MAX_INTERVAL_SEC + 1) + "}");
        Reply outOfLong = acme.get("serving.get_endpoint_metrics_history", body + "1e30}");

        assertThat(atLimit.status()).isEqualTo(200);
        assertThat(atLimit.data().path("computed_interval").asLong()).isEqualTo(MetricsHistoryRequest.MAX_INTERVAL_SEC);
        assertValidationError(overLimit, "interval");
        assertValidationError(outOfLong, "interval");
    }

    @Test
    void metricsHistoryDatesAreBetweenTheEpochAndYear9999() {
        String url = "{\"endpoint_url\": \"u\", \"interval\": 40, ";

        assertValidationError(acme.get("serving.get_endpoint_metrics_history",
                url + "\"from_date\": -1, \"to_date\": 100}"), "from_date");
        assertValidationError(acme.get("serving.get_endpoint_metrics_history",
                url + "\"from_date\": 1, \"to_date\": 253402300800}"), "to_date");
        assertValidationError(acme.get("serving.get_endpoint_metrics_history",
                url + "\"from_date\": 1e300, \"to_date\": 2e300}"), "from_date");
    }

    @Test
    void metricsHistoryQueryStringDatesAndIntervalAreBoundedToo() {
        Reply reply = acme.get("serving.get_endpoint_metrics_history?endpoint_url=u&from_date=1&to_date=100"
                + "&interval=18446744073709550", null);

        assertValidationError(reply, "interval");
    }

    @Test
    void metricsHistoryOverTheWholeDateRangeAtIntervalOneHasAtMostTenThousandAndOnePoints() {
        Reply reply = acme.get("serving.get_endpoint_metrics_history", "{\"endpoint_url\": \"" + URL_A
                + "\", \"from_date\": 0, \"to_date\": 253402300799, \"interval\": 1, \"metric_type\": \"cpu_util\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().path("computed_interval").asLong() % 300).isZero();
        assertThat(reply.data().path("total").path("dates").size()).isBetween(1, 10_001);
    }

    @Test
    void twelveHourChartAtAnHourlyIntervalIsAnsweredFromFiveMinuteWindows() {
        topology.send(report("c1", URL_A, at(5), load(10, 100, 1, 10)),
                report("c1", URL_A, at(1805), load(10, 160, 1, 10)),
                report("c2", URL_A, at(3605), load(10, 40, 1, 10)));
        clock.set(at(3 * 3600));
        long from = Events.T0.getEpochSecond() - 9 * 3600;

        Reply reply = acme.get("serving.get_endpoint_metrics_history", "{\"endpoint_url\": \"" + URL_A
                + "\", \"from_date\": " + from + ", \"to_date\": " + (from + 12 * 3600) + ", \"interval\": 3600}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().path("computed_interval").asLong()).isEqualTo(3600);
        long t0 = Events.T0.toEpochMilli();
        assertThat(reply.data().path("total").toString()).isEqualTo(
                "{\"title\":\"Number of Requests\",\"dates\":[" + t0 + "," + (t0 + 3_600_000) + "],\"values\":[160.0,40.0]}");
    }

    @Test
    void metricsHistoryWithMissingFieldsNamesThemAll() {
        Reply reply = acme.get("serving.get_endpoint_metrics_history", "{\"endpoint_url\": \"u\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.resultSubcode()).isEqualTo(11);
        assertThat(reply.resultMsg()).contains("from_date", "to_date", "interval");
    }

    @Test
    void readWithoutCredentialsIsUnauthorized() {
        Reply reply = acme.call("GET", "/serving.get_endpoints", null, "{}");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.resultSubcode()).isEqualTo(20);
    }

    @Test
    void anotherCompanySeesNoneOfTheFirstCompanysContainers() {
        topology.send(report("c1", URL_A, at(1), load(1, 1, 1, 1)), register("c2", null, at(1), 600));
        clock.set(at(5));
        long from = Events.T0.getEpochSecond();

        assertThat(globex.get("serving.get_endpoints", "{}").data().path("endpoints")).isEmpty();
        assertThat(globex.get("serving.get_loading_instances", "{}").data().path("instances")).isEmpty();
        assertThat(globex.get("serving.get_endpoint_details", "{\"endpoint_url\": \"" + URL_A + "\"}").resultSubcode())
                .isEqualTo(1052);
        assertThat(globex.get("serving.get_endpoint_metrics_history", "{\"endpoint_url\": \"" + URL_A
                + "\", \"from_date\": " + from + ", \"to_date\": " + (from + 80) + ", \"interval\": 40}")
                .data().path("total").path("values")).isEmpty();
        assertThat(acme.get("serving.get_endpoints", "{}").data().path("endpoints")).hasSize(1);
    }

    private static void assertValidationError(Reply reply, String field) {
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.resultSubcode()).isEqualTo(12);
        assertThat(reply.resultMsg()).contains(field);
        assertThat(reply.meta().path("error_data").path("field").asText()).isEqualTo(field);
    }
}
