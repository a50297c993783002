package io.servingmonitor.processor.endpoints;

import static io.servingmonitor.processor.Events.URL_A;
import static io.servingmonitor.processor.Events.URL_B;
import static io.servingmonitor.processor.Events.at;
import static io.servingmonitor.processor.Events.endpoint;
import static io.servingmonitor.processor.Events.load;
import static io.servingmonitor.processor.Events.register;
import static io.servingmonitor.processor.Events.report;
import static io.servingmonitor.processor.Events.seconds;
import static io.servingmonitor.processor.Events.unregister;
import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.processor.TopologyFixture;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.EndpointStats;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import io.servingmonitor.topics.EndpointContainerKey;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointViewTest {

    @TempDir
    Path stateDir;

    private TopologyFixture fixture;

    @BeforeEach
    void start() {
        fixture = TopologyFixture.withDefaults(stateDir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void registeredContainerWithUrlIsAnInstanceOfItsEndpoint() {
        fixture.send(register("c1", URL_A, at(0)));

        assertThat(instanceIds(URL_A)).containsExactly("c1");
        EndpointStats row = fixture.endpointStats.readKeyValuesToMap().get(endpoint(URL_A));
        assertThat(row.instances()).isEqualTo(1);
        assertThat(row.url()).isEqualTo(URL_A);
        assertThat(row.lastUpdate()).isEqualTo("2025-03-01T12:00:00Z");
    }

    @Test
    void twoContainersOnOneUrlMakeOneRowWithTheirFiguresCombined() {
        fixture.send(report("c1", URL_A, at(10), load(100, 10, 2.0, 100)),
                report("c2", URL_A, at(20), load(300, 5, 3.25, 201)));

        assertThat(fixture.endpointStats.readKeyValuesToMap()).containsExactly(Map.entry(endpoint(URL_A),
                new EndpointStats("endpoint-1", "model-1", URL_A, 2, 300, 15, 2.63, 151, "2025-03-01T12:00:20Z")));
    }

    @Test
    void loadingContainerBelongsToNoEndpoint() {
        fixture.send(register("c1", null, at(0)));

        assertThat(fixture.endpointMembers().approximateNumEntries()).isZero();
        assertThat(fixture.endpointStats.isEmpty()).isTrue();
    }

    @Test
    void loadingContainerJoinsTheEndpointOfItsFirstUrl() {
        fixture.send(register("c1", null, at(0)), report("c1", URL_A, at(30)));

        assertThat(instanceIds(URL_A)).containsExactly("c1");
        assertThat(fixture.endpointStats.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly(endpoint(URL_A));
    }

    @Test
    void containerMovingFromUrlAToUrlBLeavesAAndJoinsB() {
        fixture.send(register("c1", URL_A, at(0)), register("c2", URL_A, at(0)));
        fixture.endpointStats.readRecordsToList();

        fixture.send(report("c1", URL_B, at(30)));

        assertThat(instanceIds(URL_A)).containsExactly("c2");
        assertThat(instanceIds(URL_B)).containsExactly("c1");
        Map<EndpointKey, EndpointStats> rows = fixture.endpointStats.readKeyValuesToMap();
        assertThat(rows.get(endpoint(URL_A)).instances()).isEqualTo(1);
        assertThat(rows.get(endpoint(URL_B)).instances()).isEqualTo(1);
    }

    @Test
    void lastContainerMovingAwayLeavesATombstoneForItsOldUrl() {
        fixture.send(register("c1", URL_A, at(0)));
        fixture.endpointStats.readRecordsToList();

        fixture.send(report("c1", URL_B, at(30)));

        assertThat(instanceIds(URL_A)).isEmpty();
        assertThat(fixture.endpointSummaries().get(endpoint(URL_A))).isNull();
        List<KeyValue<EndpointKey, EndpointStats>> published = fixture.endpointStats.readKeyValuesToList();
        assertThat(published).hasSize(2);
        assertThat(published.get(0)).isEqualTo(KeyValue.pair(endpoint(URL_A), null));
        assertThat(published.get(1).key).isEqualTo(endpoint(URL_B));
    }

    @Test
    void containerGoingBackToLoadingLeavesItsEndpoint() {
        fixture.send(register("c1", URL_A, at(0)), register("c1", null, at(10)));

        assertThat(instanceIds(URL_A)).isEmpty();
        assertThat(fixture.endpointSummaries().get(endpoint(URL_A))).isNull();
    }

    @Test
    void unregisteringOneOfTwoContainersLeavesARowWithOneInstance() {
        fixture.send(register("c1", URL_A, at(0)), register("c2", URL_A, at(0)));
        fixture.endpointStats.readRecordsToList();

        fixture.send(unregister("c1", at(5)));

        assertThat(instanceIds(URL_A)).containsExactly("c2");
        assertThat(fixture.endpointStats.readKeyValuesToMap().get(endpoint(URL_A)).instances()).isEqualTo(1);
    }

    @Test
    void unregisteringTheLastContainerPublishesAnEndpointTombstone() {
        fixture.send(register("c1", URL_A, at(0)));
        fixture.endpointStats.readRecordsToList();

        fixture.send(unregister("c1", at(5)));

        assertThat(instanceIds(URL_A)).isEmpty();
        assertThat(fixture.endpointSummaries().get(endpoint(URL_A))).isNull();
        assertThat(fixture.endpointStats.readKeyValuesToList()).containsExactly(KeyValue.pair(endpoint(URL_A), null));
    }

    @Test
    void expiredContainerIsGoneFromTheEndpointView() {
        fixture.send(register("c1", URL_A, at(0), 60), register("c2", URL_A, at(0), 600));
        fixture.endpointStats.readRecordsToList();

        fixture.advanceWallClock(seconds(60));

        assertThat(instanceIds(URL_A)).containsExactly("c2");
        assertThat(fixture.endpointStats.readKeyValuesToMap().get(endpoint(URL_A)).instances()).isEqualTo(1);
    }

    @Test
    void lastExpiredContainerLeavesAnEndpointTombstone() {
        fixture.send(register("c1", URL_A, at(0), 60));
        fixture.endpointStats.readRecordsToList();

        fixture.advanceWallClock(seconds(60));

        assertThat(instanceIds(URL_A)).isEmpty();
        assertThat(fixture.endpointSummaries().get(endpoint(URL_A))).isNull();
        assertThat(fixture.endpointStats.readKeyValuesToList()).containsExactly(KeyValue.pair(endpoint(URL_A), null));
    }

    @Test
    void sameUrlInTwoCompaniesIsTwoEndpoints() {
        fixture.send(register("acme", "c1", URL_A, at(0), 60), register("globex", "c2", URL_A, at(0), 60));

        assertThat(fixture.memberIds(new EndpointKey("acme", URL_A))).containsExactly("c1");
        assertThat(fixture.memberIds(new EndpointKey("globex", URL_A))).containsExactly("c2");
    }

    @Test
    void summariesKeptReportByReportEqualSummariesMadeFromTheContainers() {
        Random random = new Random(5);
        List<String> urls = List.of(URL_A, URL_B, "https://serve.example/c");
        long second = 0;
        for (int step = 0; step < 600; step++) {
            second += random.nextInt(3);
            String id = "c" + random.nextInt(6);
            String url = random.nextInt(5) == 0 ? null : urls.get(random.nextInt(urls.size()));
            switch (random.nextInt(4)) {
                case 0 -> fixture.send(register(id, url, at(second), 30 + random.nextInt(600)));
                case 1 -> fixture.send(unregister(id, at(second)));
                default -> fixture.send(report(id, url, at(second), load(random.nextInt(500), random.nextInt(10_000),
                        random.nextInt(400) / 8.0, random.nextInt(300))));
            }
            if (random.nextInt(10) == 0) {
                fixture.advanceWallClock(seconds(random.nextInt(40)));
            }
            for (String u : urls) {
                EndpointSummary kept = fixture.endpointSummaries().get(endpoint(u));
                List<EndpointMember> members = members(u);
                if (members.isEmpty()) {
                    assertThat(kept).as("step %d, %s", step, u).isNull();
                } else {
                    EndpointSummary made = EndpointSummary.of(members, EndpointSummary.minExpiry(members));
                    assertThat(kept.toRow(u)).as("step %d, %s", step, u).isEqualTo(made.toRow(u));
                    assertThat(kept.minExpiryMs()).as("step %d, %s", step, u).isEqualTo(made.minExpiryMs());
                }
            }
        }
    }

    private List<EndpointMember> members(String url) {
        return instanceIds(url).stream()
                .map(id -> fixture.endpointMembers().get(new EndpointContainerKey(endpoint(url), id)))
                .toList();
    }

    @Test
    void noStoredValueGrowsWithTheContainersOnAUrl() {
        fixture.send(report("c0", URL_A, at(1), load(100, 10, 2.0, 100)));
        int summaryOfOne = summaryBytes();
        for (int i = 1; i < 1_000; i++) {
            fixture.send(report("c" + i, URL_A, at(1), load(100 + i, 10, 2.0, 100)));
        }

        assertThat(instanceIds(URL_A)).hasSize(1_000);
        // Only the digits of its counts and sums grow; a value holding the containers would be 1,000 times larger.
        assertThat(summaryBytes()).isLessThanOrEqualTo(summaryOfOne + 32);
        assertThat(fixture.endpointStats.readValuesToList()).allSatisfy(row ->
                assertThat(io.servingmonitor.topics.Serdes.endpointStats().serialize("t", row)).hasSizeLessThan(512));
    }

    private int summaryBytes() {
        return EndpointView.summarySerde().serialize("t", fixture.endpointSummaries().get(endpoint(URL_A))).length;
    }

    private List<String> instanceIds(String url) {
        return fixture.memberIds(endpoint(url));
    }
}
