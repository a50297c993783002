package io.servingmonitor.processor.registry;

import static io.servingmonitor.processor.Events.URL_A;
import static io.servingmonitor.processor.Events.at;
import static io.servingmonitor.processor.Events.endpoint;
import static io.servingmonitor.processor.Events.key;
import static io.servingmonitor.processor.Events.register;
import static io.servingmonitor.processor.Events.report;
import static io.servingmonitor.processor.Events.requests;
import static io.servingmonitor.processor.Events.unregister;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.processor.PoisonRecordException;
import io.servingmonitor.processor.TopologyFixture;
import io.servingmonitor.processor.endpoints.EndpointMember;
import io.servingmonitor.topics.EndpointContainerKey;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The region an ingest node stamps on its events is kept with the container: on
 * {@code container-state}, in the loading store and in the endpoint members that the reads
 * answer from; it is the region of the node that took the container's latest register or report.
 */
class RegionTest {

    private static final String EU = "eu-west-1";
    private static final String US = "us-east-1";

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
    void aRegisteredContainerKeepsTheRegionOfItsRegisterInStateAndEndpointMembers() {
        fixture.send(register("c1", URL_A, at(0)).inRegion(EU));

        assertThat(fixture.latestState(key("c1")).region()).isEqualTo(EU);
        assertThat(member("c1").region()).isEqualTo(EU);
    }

    @Test
    void aLoadingContainerKeepsItsRegionInTheLoadingStore() {
        fixture.send(register("c1", null, at(0)).inRegion(EU));

        assertThat(fixture.loading().get(key("c1")).region()).isEqualTo(EU);
        assertThat(fixture.latestState(key("c1")).region()).isEqualTo(EU);
    }

    @Test
    void aLaterReportFromAnotherRegionChangesTheRegion() {
        fixture.send(register("c1", URL_A, at(0)).inRegion(EU), report("c1", URL_A, at(30), requests(5)).inRegion(US));

        assertThat(fixture.latestState(key("c1")).region()).isEqualTo(US);
        assertThat(member("c1").region()).isEqualTo(US);
        assertThat(member("c1").requestsNum()).isEqualTo(5);
    }

    @Test
    void aLaterRegisterWhileLoadingFromAnotherRegionChangesTheLoadingRegion() {
        fixture.send(register("c1", null, at(0)).inRegion(EU), register("c1", null, at(10)).inRegion(US));

        assertThat(fixture.loading().get(key("c1")).region()).isEqualTo(US);
    }

    @Test
    void aStaleReportFromAnotherRegionDoesNotChangeTheRegion() {
        fixture.send(report("c1", URL_A, at(30), requests(5)).inRegion(EU), report("c1", URL_A, at(20), requests(4)).inRegion(US));

        assertThat(fixture.latestState(key("c1")).region()).isEqualTo(EU);
        assertThat(member("c1").region()).isEqualTo(EU);
    }

    @Test
    void aReportFromANodeWithoutRegionLeavesTheContainerWithout() {
        fixture.send(register("c1", URL_A, at(0)).inRegion(EU), report("c1", URL_A, at(30), requests(5)));

        assertThat(fixture.latestState(key("c1")).region()).isNull();
        assertThat(member("c1").region()).isNull();
    }

    @Test
    void withoutRegionsNothingCarriesOne() {
        fixture.send(register("c1", URL_A, at(0)), register("c2", null, at(0)), report("c1", URL_A, at(30), requests(5)));

        assertThat(fixture.latestState(key("c1")).region()).isNull();
        assertThat(member("c1").region()).isNull();
        assertThat(fixture.loading().get(key("c2")).region()).isNull();
    }

    @Test
    void aContainerThatLeavesTakesItsRegionWithIt() {
        fixture.send(register("c1", URL_A, at(0)).inRegion(EU), unregister("c1", at(10)));

        assertThat(fixture.latestState(key("c1"))).isNull();
        assertThat(fixture.endpointMembers().get(new EndpointContainerKey(endpoint(URL_A).company(), URL_A, "c1"))).isNull();
    }

    @Test
    void anEventWhoseRegionIsNotAShortNameIsRefusedAsPoisonAndStoresNothing() {
        assertThatThrownBy(() -> fixture.send(register("c1", URL_A, at(0)).inRegion("r".repeat(10_000))))
                .hasRootCauseInstanceOf(PoisonRecordException.class)
                .rootCause().hasMessageContaining("region");

        assertThat(fixture.registry().get(key("c1"))).isNull();
        assertThat(member("c1")).isNull();
    }

    private EndpointMember member(String containerId) {
        return fixture.endpointMembers().get(new EndpointContainerKey(endpoint(URL_A).company(), URL_A, containerId));
    }
}
