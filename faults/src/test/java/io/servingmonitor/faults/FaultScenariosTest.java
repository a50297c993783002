package io.servingmonitor.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short versions of what {@code serving-monitor faults} runs, on a 3-broker cluster of child
 * JVMs: 3 leader kills under load, and one whole-cluster outage.
 */
class FaultScenariosTest {

    @TempDir
    Path dir;

    @Test
    void noAcknowledgedWriteIsLostOrDuplicatedWhenPartitionLeadersAreKilled() throws Exception {
        FaultOptions options = FaultOptions.defaults().withCycles(3).withDownFor(Duration.ofSeconds(6)).withWorkDir(dir);

        Figures figures = new BrokerKillScenario().run(options);

        figures.print(System.out);
        assertThat(figures.failures()).isEmpty();
        assertThat(figures.get("cycles")).isEqualTo(3);
        assertThat(figures.get("writes_acknowledged")).isPositive();
        assertThat(figures.get("acknowledged_found_once")).isEqualTo(figures.get("writes_acknowledged"));
        assertThat(figures.get("lost")).isZero();
        assertThat(figures.get("duplicates")).isZero();
        assertThat(figures.get("containers_not_showing_last_report")).isZero();
    }

    @Test
    void withEveryBrokerDownWritesAre503WithinTheWriteTimeoutAndTheServiceRecoversByItself() throws Exception {
        FaultOptions options = FaultOptions.defaults().withWriteTimeout(Duration.ofSeconds(3))
                .withDownFor(Duration.ofSeconds(3)).withWorkDir(dir);

        Figures figures = new OutageScenario().run(options);

        figures.print(System.out);
        assertThat(figures.failures()).isEmpty();
        assertThat(figures.get("answered_503")).isEqualTo(figures.get("writes_during_outage"));
        assertThat(figures.get("max_answer_ms")).isLessThanOrEqualTo(
                Duration.ofSeconds(3).plus(OutageScenario.SLACK).toMillis());
        assertThat(figures.get("health_during_outage")).isEqualTo(503);
        assertThat(figures.get("health_live_during_outage")).isEqualTo(200);
        assertThat(figures.get("reads_show_the_write_after_recovery")).isEqualTo(1);
    }

    @Test
    void aScenarioIsOneEntryOfTheList() {
        assertThat(FaultsMain.SCENARIOS).extracting(Scenario::name).contains(BrokerKillScenario.NAME, OutageScenario.NAME);
        assertThat(FaultOptions.parse(List.of("--cycles", "3", "--only", "outage")).selects(BrokerKillScenario.NAME)).isFalse();
    }
}
