package io.servingmonitor.query;

import static io.servingmonitor.processor.Events.URL_A;
import static io.servingmonitor.processor.Events.URL_B;
import static io.servingmonitor.processor.Events.at;
import static io.servingmonitor.processor.Events.load;
import static io.servingmonitor.processor.Events.register;
import static io.servingmonitor.processor.Events.report;
import static io.servingmonitor.processor.Events.unregister;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.api.ApiException;
import io.servingmonitor.processor.Events;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.TopologyFixture;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.MetricType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingQueriesTest {

    @TempDir
    Path stateDir;

    private TopologyFixture topology;
    private TestClock clock;
    private ServingQueries queries;

    @BeforeEach
    void setUp() {
        topology = TopologyFixture.withDefaults(stateDir);
        clock = new TestClock(Events.T0);
        queries = FixtureStores.queries(topology, clock);
    }

    @AfterEach
    void tearDown() {
        topology.close();
    }

    @Test
    void endpointRowSumsRequestsAndAveragesRatesOverLiveContainers() {
        topology.send(
                report("c1", URL_A, at(1), load(100, 1000, 10.0, 20)),
                report("c2", URL_A, at(2), load(50, 500, 5.55, 31)));
        clock.set(at(3));

        List<EndpointStats> rows = queries.endpoints(Events.COMPANY).endpoints();

        assertThat(rows).containsExactly(new EndpointStats("endpoint-1", "model-1", URL_A, 2, 100, 1500, 7.78, 26,
                "2025-03-01T12:00:02Z"));
    }

    @Test
    void fleetKeepsTheLargestEndpointsOfEveryCompanyAndCountsTheRest() {
        String urlC = "https://serve.example/c";
        topology.send(
                report("c1", URL_A, at(1), load(10, 100, 4.0, 20)),
                report("c2", URL_A, at(1), load(10, 300, 6.0, 30)),
                report("other-co", "c3", URL_B, at(1), load(10, 5000, 1.0, 7)),
                report("c4", urlC, at(1), load(10, 1000, 1.0, 9)),
                register("c5", null, at(1), 600),
                register("other-co", "c6", null, at(1), 600),
                register("other-co", "c7", null, at(1), 5));
        clock.set(at(7));

        FleetSnapshot snapshot = queries.fleet(clock.millis(), 2);

        // URL_A has most instances; URL_B beats urlC on requests; urlC is left out.
        assertThat(snapshot.endpoints()).containsExactly(
                new FleetSnapshot.Endpoint(Events.COMPANY, URL_A, 2, 400, 5.0, 25),
                new FleetSnapshot.Endpoint("other-co", URL_B, 1, 5000, 1.0, 7));
        assertThat(snapshot.droppedEndpoints()).isEqualTo(1);
        assertThat(snapshot.loadingByCompany()).as("c7 expired at 6 s")
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(Events.COMPANY, 1, "other-co", 1));
        assertThat(queries.fleet(clock.millis(), 1000).droppedEndpoints()).isZero();
    }

    @Test
    void expiredContainerIsHiddenBeforeTheExpiryPunctuatorRuns() {
        topology.send(register("c1", URL_A, at(0), 10), register("c2", URL_A, at(0), 600));
        clock.set(at(10));

        assertThat(queries.endpoints(Events.COMPANY).endpoints()).singleElement()
                .satisfies(row -> assertThat(row.instances()).isEqualTo(1));
        assertThat(queries.endpointDetails(Events.COMPANY, URL_A).instances())
                .extracting(InstanceDetails::id).containsExactly("c2");
    }

    @Test
    void loadingContainerIsListedUntilItReportsAnUrl() {
        topology.send(register("c1", null, at(0), 600));
        clock.set(at(42));

        assertThat(queries.loadingInstances(Events.COMPANY).instances()).containsExactly(new LoadingInstance(
                "c1", "endpoint-1", null, "model-1", "s3://models/model-1", "1", null, "json", "128", 0, 42,
                "2025-03-01T12:00:00Z"));
        assertThat(queries.endpoints(Events.COMPANY).endpoints()).isEmpty();

        topology.send(report("c1", URL_A, at(43)));
        assertThat(queries.loadingInstances(Events.COMPANY).instances()).isEmpty();
        assertThat(queries.endpoints(Events.COMPANY).endpoints()).extracting(EndpointStats::url).containsExactly(URL_A);
    }

    @Test
    void endpointDetailsGivePerInstanceFiguresAndCounts() {
        MachineStats stats = new MachineStats(List.of(10.0, 20.0, 30.0), List.of(50.0), 100.0, 200.0,
                null, null, null, null, null, null, null, null, null, null);
        topology.send(report("c1", URL_A, at(5), new LoadReport(77L, 9L, 1.234, 12L, stats)));
        clock.set(at(6));

        EndpointDetails details = queries.endpointDetails(Events.COMPANY, URL_A);

        assertThat(details.url()).isEqualTo(URL_A);
        assertThat(details.endpoint()).isEqualTo("endpoint-1");
        assertThat(details.inputSize()).isEqualTo("128");
        assertThat(details.uptimeSec()).isEqualTo(77);
        assertThat(details.instances()).containsExactly(
                new InstanceDetails("c1", 77, 9, 1.23, 12, "2025-03-01T12:00:05Z", List.of(), 3, 1));
    }

    @Test
    void regionIsAnsweredPerContainerAndTravelsBetweenPeers() throws Exception {
        topology.send(register("c1", null, at(0), 600).inRegion("eu-west-1"), register("c2", null, at(0), 600),
                report("c3", URL_A, at(1)).inRegion("us-east-1"), report("c4", URL_A, at(1)));
        clock.set(at(2));

        LoadingInstancesResponse loading = queries.loadingInstances(Events.COMPANY);
        EndpointDetails details = queries.endpointDetails(Events.COMPANY, URL_A);

        assertThat(loading.instances()).extracting(LoadingInstance::region).containsExactly("eu-west-1", null);
        assertThat(details.instances()).extracting(InstanceDetails::region).containsExactly("us-east-1", null);
        // A peer's part of an answer travels as JSON: the region (and its absence) survives the trip.
        com.fasterxml.jackson.databind.ObjectMapper json = io.servingmonitor.topics.Json.mapper();
        assertThat(json.readValue(json.writeValueAsBytes(loading), LoadingInstancesResponse.class)).isEqualTo(loading);
        assertThat(json.readValue(json.writeValueAsBytes(details), EndpointDetails.class)).isEqualTo(details);
    }

    @Test
    void endpointWithoutLiveContainerAnswersNoInstances() {
        assertThatThrownBy(() -> queries.endpointDetails(Events.COMPANY, URL_B))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.subcode()).isEqualTo(1052));
    }

    @Test
    void anotherCompanyNeverSeesTheContainersOfTheFirst() {
        topology.send(
                report("acme", "c1", URL_A, at(1), load(1, 1, 1, 1)),
                register("acme", "c2", null, at(1), 600));
        clock.set(at(20));
        String other = "acme2";

        assertThat(queries.endpoints(other).endpoints()).isEmpty();
        assertThat(queries.loadingInstances(other).instances()).isEmpty();
        assertThatThrownBy(() -> queries.endpointDetails(other, URL_A)).isInstanceOf(ApiException.class);
        MetricsHistoryRequest history = new MetricsHistoryRequest(URL_A, Events.ms(at(0)), Events.ms(at(80)), 40,
                MetricType.REQUESTS, true);
        assertThat(queries.metricsHistory(other, history).total().values()).isEmpty();
        assertThat(queries.metricsHistory("acme", history).total().values()).containsExactly(1.0);
    }

    @Test
    void aContainerIsRegisteredWhileLiveAndNotAfterExpiryOrUnregister() {
        topology.send(register("short", null, at(0), 10), register("long", URL_A, at(0), 600),
                report("gone", URL_A, at(1)), unregister("gone", at(2)));
        clock.set(at(10));

        assertThat(queries.containerRegistered(Events.COMPANY, "long", clock.millis()).registered()).isTrue();
        assertThat(queries.containerRegistered(Events.COMPANY, "short", Events.ms(at(9))).registered()).isTrue();
        assertThat(queries.containerRegistered(Events.COMPANY, "short", clock.millis()).registered())
                .as("expired, though the punctuator has not removed it yet").isFalse();
        assertThat(queries.containerRegistered(Events.COMPANY, "gone", clock.millis()).registered()).isFalse();
        assertThat(queries.containerRegistered(Events.COMPANY, "never", clock.millis()).registered()).isFalse();
        assertThat(queries.containerRegistered("acme2", "long", clock.millis()).registered())
                .as("another company's container of the same id").isFalse();
    }

    @Test
    void metricsHistoryIsReadFromTheWindowStoresWithMillisecondDates() {
        topology.send(
                report("c1", URL_A, at(1), load(10, 100, 1, 10)),
                report("c1", URL_A, at(15), load(10, 160, 1, 20)),
                report("c2", URL_A, at(45), load(10, 40, 1, 30)));
        clock.set(at(200));
        MetricsHistoryRequest request = new MetricsHistoryRequest(URL_A, Events.ms(at(0)), Events.ms(at(120)), 1,
                MetricType.LATENCY_MS, true);

        MetricsHistoryResponse response = queries.metricsHistory(Events.COMPANY, request);

        long t0 = Events.ms(Events.T0);
        assertThat(response.computedInterval()).isEqualTo(40);
        assertThat(response.total().dates()).containsExactly(t0, t0 + 40_000, t0 + 80_000);
        assertThat(response.total().values()).containsExactly(15.0, 30.0, 0.0);
        assertThat(response.instances().get("c1").values()).containsExactly(15.0, 0.0, 0.0);
        assertThat(response.instances().get("c2").values()).containsExactly(0.0, 30.0, 0.0);
    }

    /**
     * load(uptime, requests, ...): c1 reports 100 then 160 requests, c2 40, all in the first hour;
     * a report on another url at 1 h 12 min moves event time past every first-hour window's end
     * plus the grace, so they are closed and merged into the hour rollup.
     */
    @Test
    void aNinetyDayChartReadFromTheHourRollupEqualsTheOneReadFromTheFiveMinuteWindows() {
        topology.send(
                report("c1", URL_A, at(10), load(10, 100, 1, 10)),
                report("c1", URL_A, at(700), load(20, 160, 1, 20)),
                report("c2", URL_A, at(1300), load(30, 40, 1, 30)),
                report("c3", URL_B, at(4320), load(1, 1, 1, 1)));
        clock.set(at(4400));
        MetricsHistoryRequest request = new MetricsHistoryRequest(URL_A,
                clock.millis() - Duration.ofDays(89).toMillis(), clock.millis(), 3600, MetricType.REQUESTS, true);
        ServingQueries withoutRollups = new ServingQueries(new FixtureStores(topology),
                ProcessorConfig.defaults().resolutions(), QueryConfig.defaults(), clock);

        assertThat(queries.plan(request, clock.millis()).resolution()).isEqualTo(ProcessorConfig.DEFAULT_ROLLUP);
        assertThat(withoutRollups.plan(request, clock.millis()).resolution().windowSeconds()).isEqualTo(300);
        MetricsHistoryResponse fromRollup = queries.metricsHistory(Events.COMPANY, request);
        assertThat(fromRollup.total().dates()).containsExactly(Events.ms(Events.T0));
        assertThat(fromRollup.total().values()).containsExactly(200.0);
        assertThat(fromRollup).isEqualTo(withoutRollups.metricsHistory(Events.COMPANY, request));
    }
}
