package io.servingmonitor.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The short versions of what {@code serving-monitor faults} runs, on one 3-broker cluster of child
 * JVMs (replication 3, {@code min.insync.replicas=2}) with the service on it: 3 leader kills under
 * load, and one whole-cluster outage. Each scenario leaves every broker up, so they run in any order.
 */
class FaultScenariosTest {

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    private static ClusterService service;
    private static Path dir;

    @BeforeAll
    static void startClusterAndService() throws Exception {
        dir = Files.createTempDirectory("faults-test-");
        service = ClusterService.start(dir, 3, WRITE_TIMEOUT);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (service != null) {
                service.close(); // kills every broker process
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void noAcknowledgedWriteIsLostOrDuplicatedWhenPartitionLeadersAreKilled() throws Exception {
        // Two writers: a steady load that leaves the 2-core build machine some CPU for broker restarts.
        FaultOptions options = FaultOptions.defaults().withCycles(3).withDownFor(Duration.ofSeconds(8))
                .withWriters(2).withWriteTimeout(WRITE_TIMEOUT);

        Figures figures = new BrokerKillScenario().run(options, service);

        figures.print(System.out);
        assertThat(figures.failures()).isEmpty();
        assertThat(figures.get("cycles")).isEqualTo(3);
        assertThat(figures.get("topics_checked_rf3_min_isr2")).isGreaterThan(4);
        assertThat(figures.get("writes_acknowledged")).isPositive();
        assertThat(figures.get("acknowledged_found_once")).isEqualTo(figures.get("writes_acknowledged"));
        assertThat(figures.get("lost")).isZero();
        assertThat(figures.get("duplicates")).isZero();
        assertThat(figures.get("writes_answered_otherwise")).isZero();
        assertThat(figures.get("containers_not_showing_last_report")).isZero();
    }

    @Test
    void withEveryBrokerDownWritesAre503WithinTheWriteTimeoutAndTheServiceRecoversByItself() throws Exception {
        FaultOptions options = FaultOptions.defaults().withWriteTimeout(WRITE_TIMEOUT).withDownFor(Duration.ofSeconds(2));

        Figures figures = new OutageScenario().run(options, service);

        figures.print(System.out);
        assertThat(figures.failures()).isEmpty();
        assertThat(figures.get("answered_503")).isEqualTo(figures.get("writes_during_outage"));
        assertThat(figures.get("answered_200")).isZero();
        assertThat(figures.get("max_answer_ms")).isLessThanOrEqualTo(WRITE_TIMEOUT.plus(OutageScenario.SLACK).toMillis());
        assertThat(figures.get("health_during_outage")).isEqualTo(503);
        assertThat(figures.get("health_live_during_outage")).isEqualTo(200);
        assertThat(figures.get("reads_show_the_write_after_recovery")).isEqualTo(1);
    }

    @Test
    void aScenarioIsOneEntryOfTheList() {
        assertThat(FaultsMain.SCENARIOS).extracting(Scenario::name).contains(BrokerKillScenario.NAME, OutageScenario.NAME, InstanceKillFaults.NAME);
        assertThat(FaultOptions.parse(List.of("--cycles", "3", "--only", "outage")).selects(BrokerKillScenario.NAME)).isFalse();
    }
}
