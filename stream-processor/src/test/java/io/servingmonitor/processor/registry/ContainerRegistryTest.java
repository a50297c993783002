package io.servingmonitor.processor.registry;

import static io.servingmonitor.processor.Events.COMPANY;
import static io.servingmonitor.processor.Events.IP;
import static io.servingmonitor.processor.Events.URL_A;
import static io.servingmonitor.processor.Events.URL_B;
import static io.servingmonitor.processor.Events.at;
import static io.servingmonitor.processor.Events.key;
import static io.servingmonitor.processor.Events.load;
import static io.servingmonitor.processor.Events.model;
import static io.servingmonitor.processor.Events.ms;
import static io.servingmonitor.processor.Events.register;
import static io.servingmonitor.processor.Events.report;
import static io.servingmonitor.processor.Events.requests;
import static io.servingmonitor.processor.Events.seconds;
import static io.servingmonitor.processor.Events.unregister;
import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.processor.TopologyFixture;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.ModelInfo;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerRegistryTest {

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
    void registerStoresContainerWithEventTimeTimeoutAndIpAndNoLoad() {
        fixture.send(register("c1", URL_A, at(0), 120));

        ContainerEntry expected = new ContainerEntry(COMPANY, "c1", model(URL_A), LoadReport.EMPTY, IP,
                ms(at(0)), ms(at(0)), 120);
        assertThat(fixture.registry().get(key("c1"))).isEqualTo(RegistryEntry.of(expected));
        assertThat(fixture.containerState.readKeyValuesToList()).containsExactly(KeyValue.pair(key("c1"), expected));
    }

    @Test
    void registerWithoutTimeoutGetsTheDefaultTimeout() {
        fixture.send(register("c1", URL_A, at(0), null));

        assertThat(fixture.registry().get(key("c1")).timeoutSec()).isEqualTo(ContainerEntry.DEFAULT_TIMEOUT_SEC);
    }

    @Test
    void registerWithoutUrlStoresALoadingContainer() {
        fixture.send(register("c1", null, at(0)));

        assertThat(fixture.registry().get(key("c1")).url()).isNull();
    }

    @Test
    void statusReportReplacesModelAndLoadAndKeepsRegisteredAtTimeoutAndIp() {
        ModelInfo newModel = model("endpoint-2", URL_B, "model-2");
        LoadReport newLoad = load(30, 42, 1.5, 12);
        ContainerEvent reportFromOtherIp = new ContainerEvent(ContainerEventType.STATUS_REPORT, COMPANY, "c1",
                ms(at(10)), "192.168.1.1", 999, newModel, newLoad);

        fixture.send(register("c1", URL_A, at(0), 120), reportFromOtherIp);

        assertThat(fixture.latestState(key("c1"))).isEqualTo(
                new ContainerEntry(COMPANY, "c1", newModel, newLoad, IP, ms(at(0)), ms(at(10)), 120));
    }

    @Test
    void statusReportOfUnknownContainerRegistersItWithTheDefaultTimeout() {
        fixture.send(report("c1", URL_A, at(5), requests(3)));

        ContainerEntry expected = new ContainerEntry(COMPANY, "c1", model(URL_A), requests(3), IP,
                ms(at(5)), ms(at(5)), ContainerEntry.DEFAULT_TIMEOUT_SEC);
        assertThat(fixture.registry().get(key("c1"))).isEqualTo(RegistryEntry.of(expected));
        assertThat(fixture.containerState.readKeyValuesToList()).containsExactly(KeyValue.pair(key("c1"), expected));
    }

    @Test
    void reRegisterReplacesTheWholeEntry() {
        fixture.send(register("c1", URL_A, at(0), 120), report("c1", URL_A, at(10), requests(9)),
                register("c1", URL_B, at(20), 300));

        assertThat(fixture.latestState(key("c1"))).isEqualTo(
                new ContainerEntry(COMPANY, "c1", model(URL_B), LoadReport.EMPTY, IP, ms(at(20)), ms(at(20)), 300));
    }

    @Test
    void unregisterRemovesTheEntryAndPublishesATombstone() {
        fixture.send(register("c1", URL_A, at(0)));
        fixture.containerState.readRecordsToList();

        fixture.send(unregister("c1", at(5)));

        assertThat(fixture.registry().get(key("c1"))).isNull();
        assertThat(fixture.containerState.readKeyValuesToList()).containsExactly(KeyValue.pair(key("c1"), null));
    }

    @Test
    void unregisterOfUnknownContainerPublishesNothing() {
        fixture.send(unregister("ghost", at(5)));

        assertThat(fixture.containerState.isEmpty()).isTrue();
        assertThat(fixture.registry().get(key("ghost"))).isNull();
    }

    @Test
    void statusReportOlderThanLastActivityIsIgnored() {
        fixture.send(report("c1", URL_A, at(20), requests(50)));
        fixture.containerState.readRecordsToList();

        fixture.send(report("c1", URL_B, at(10), requests(40)));

        assertThat(fixture.containerState.isEmpty()).isTrue();
        RegistryEntry entry = fixture.registry().get(key("c1"));
        assertThat(fixture.latestState(key("c1")).load()).isEqualTo(requests(50));
        assertThat(entry.url()).isEqualTo(URL_A);
        assertThat(entry.lastActivityMs()).isEqualTo(ms(at(20)));
    }

    @Test
    void registerOlderThanLastActivityIsIgnored() {
        fixture.send(report("c1", URL_A, at(20), requests(50)), register("c1", URL_B, at(10), 60));

        RegistryEntry entry = fixture.registry().get(key("c1"));
        assertThat(entry.url()).isEqualTo(URL_A);
        assertThat(entry.timeoutSec()).isEqualTo(ContainerEntry.DEFAULT_TIMEOUT_SEC);
    }

    @Test
    void statusReportWithTheSameTimeAsLastActivityApplies() {
        fixture.send(report("c1", URL_A, at(20), requests(50)), report("c1", URL_A, at(20), requests(51)));

        assertThat(fixture.latestState(key("c1")).load()).isEqualTo(requests(51));
    }

    @Test
    void unregisterAppliesEvenWhenOlderThanLastActivity() {
        fixture.send(register("c1", URL_A, at(0)), report("c1", URL_A, at(30)), unregister("c1", at(10)));

        assertThat(fixture.registry().get(key("c1"))).isNull();
    }

    @Test
    void silentContainerExpiresWhenItsTimeoutHasPassedOnTheWallClock() {
        fixture.send(register("c1", URL_A, at(0), 60));
        fixture.containerState.readRecordsToList();

        fixture.advanceWallClock(seconds(59));
        assertThat(fixture.registry().get(key("c1"))).isNotNull();
        assertThat(fixture.containerState.isEmpty()).isTrue();

        fixture.advanceWallClock(seconds(1));
        assertThat(fixture.registry().get(key("c1"))).isNull();
        List<TestRecord<ContainerKey, ContainerEntry>> tombstones = fixture.containerState.readRecordsToList();
        assertThat(tombstones).hasSize(1);
        assertThat(tombstones.get(0).key()).isEqualTo(key("c1"));
        assertThat(tombstones.get(0).value()).isNull();
        assertThat(tombstones.get(0).getRecordTime()).isEqualTo(at(60));
    }

    @Test
    void containerThatKeepsReportingDoesNotExpire() {
        fixture.send(register("c1", URL_A, at(0), 60));
        for (int second = 30; second <= 300; second += 30) {
            fixture.advanceWallClock(seconds(30));
            fixture.send(report("c1", URL_A, at(second)));
        }
        fixture.advanceWallClock(seconds(59));

        assertThat(fixture.registry().get(key("c1"))).isNotNull();
        assertThat(fixture.containerState.readValuesToList()).doesNotContainNull();
    }

    @Test
    void expiryRemovesOnlyTheDueContainers() {
        fixture.send(register("short", URL_A, at(0), 30), register("long", URL_A, at(0), 120));

        fixture.advanceWallClock(seconds(30));

        assertThat(fixture.registry().get(key("short"))).isNull();
        assertThat(fixture.registry().get(key("long"))).isNotNull();
        fixture.advanceWallClock(seconds(89));
        assertThat(fixture.registry().get(key("long"))).isNotNull();
        fixture.advanceWallClock(seconds(1));
        assertThat(fixture.registry().get(key("long"))).isNull();
    }

    @Test
    void containerExpiresAtItsCurrentExpiryNotAtAnEarlierOne() {
        fixture.send(register("c1", URL_A, at(0), 60), register("c2", URL_A, at(0), 60),
                report("c1", URL_A, at(10)), report("c1", URL_A, at(40)), unregister("c2", at(45)));
        fixture.containerState.readRecordsToList();

        fixture.advanceWallClock(seconds(99));
        assertThat(fixture.registry().get(key("c1"))).isNotNull();
        assertThat(fixture.containerState.isEmpty()).isTrue();

        fixture.advanceWallClock(seconds(1));
        assertThat(fixture.registry().get(key("c1"))).isNull();
        assertThat(fixture.containerState.readKeyValuesToList()).containsExactly(KeyValue.pair(key("c1"), null));
    }

    @Test
    void reportForAContainerPastItsTimeoutButNotYetScannedRegistersItAnew() {
        fixture.send(register("c1", URL_A, at(0), 60));
        fixture.containerState.readRecordsToList();
        ContainerEvent lateReport = new ContainerEvent(ContainerEventType.STATUS_REPORT, COMPANY, "c1",
                ms(at(61)), "192.168.1.1", null, model(URL_A), requests(7));

        fixture.send(lateReport);

        List<TestRecord<ContainerKey, ContainerEntry>> published = fixture.containerState.readRecordsToList();
        assertThat(published).hasSize(2);
        assertThat(published.get(0).value()).as("the old registration is gone first").isNull();
        assertThat(published.get(0).getRecordTime()).isEqualTo(at(60));
        assertThat(published.get(1).value()).isEqualTo(new ContainerEntry(COMPANY, "c1", model(URL_A), requests(7),
                "192.168.1.1", ms(at(61)), ms(at(61)), ContainerEntry.DEFAULT_TIMEOUT_SEC));
    }

    @Test
    void registerForAContainerPastItsTimeoutTombstonesTheOldEntryFirst() {
        fixture.send(register("c1", URL_A, at(0), 60), register("c1", URL_B, at(90), 120));

        assertThat(fixture.containerState.readValuesToList()).extracting(e -> e == null ? null : e.url())
                .containsExactly(URL_A, null, URL_B);
        assertThat(fixture.registry().get(key("c1")).registeredAtMs()).isEqualTo(ms(at(90)));
    }

    @Test
    void backlogDoesNotExpireAContainerWhoseNewerReportsAreStillWaiting() {
        // The wall clock is 10 minutes ahead of the events: the partition works through a backlog.
        fixture.advanceWallClock(seconds(600));
        fixture.send(register("c1", URL_A, at(0), 60));
        fixture.advanceWallClock(seconds(1));
        fixture.send(report("c1", URL_A, at(50)));
        fixture.advanceWallClock(seconds(1));

        assertThat(fixture.registry().get(key("c1")).lastActivityMs()).isEqualTo(ms(at(50)));
        assertThat(fixture.containerState.readValuesToList()).doesNotContainNull();
    }

    @Test
    void onceCaughtUpASilentContainerExpiresOnTheWallClockAgain() {
        fixture.advanceWallClock(seconds(600));
        fixture.send(register("c1", URL_A, at(0), 60));
        fixture.advanceWallClock(seconds(1));
        assertThat(fixture.registry().get(key("c1"))).isNotNull();

        fixture.send(report("other", URL_A, at(601)));
        fixture.advanceWallClock(seconds(1));

        assertThat(fixture.registry().get(key("c1"))).isNull();
    }

    @Test
    void streamTimeExpiresContainersDuringABacklog() {
        fixture.advanceWallClock(seconds(600));
        fixture.send(register("c1", URL_A, at(0), 60), report("other", URL_A, at(100)));
        fixture.advanceWallClock(seconds(1));

        assertThat(fixture.registry().get(key("c1"))).as("silent from t+0 to t+100 in the processed events").isNull();
    }

    @Test
    void loadingContainersAreKeptInTheLoadingStoreUntilTheyHaveAUrl() {
        fixture.send(register("c1", null, at(0)), register("c2", null, at(0)));
        assertThat(fixture.loading().get(key("c1"))).isNotNull();

        fixture.send(report("c1", URL_A, at(10)), unregister("c2", at(11)));

        assertThat(fixture.loading().get(key("c1"))).isNull();
        assertThat(fixture.loading().get(key("c2"))).isNull();
        assertThat(fixture.registry().get(key("c1")).url()).isEqualTo(URL_A);
    }

    @Test
    void sameContainerIdInTwoCompaniesIsTwoEntries() {
        fixture.send(register("acme", "c1", URL_A, at(0), 60), register("globex", "c1", URL_B, at(0), 60),
                unregister("c1", at(5)));

        assertThat(fixture.registry().get(new ContainerKey("acme", "c1"))).isNull();
        assertThat(fixture.registry().get(new ContainerKey("globex", "c1")).url()).isEqualTo(URL_B);
    }
}
