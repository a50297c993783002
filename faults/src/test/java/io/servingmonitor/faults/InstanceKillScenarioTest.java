package io.servingmonitor.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.faults.InstanceKillScenario.RestartFigures;
import io.servingmonitor.faults.InstanceKillScenario.Result;
import io.servingmonitor.processor.StreamsSettings;
import io.servingmonitor.testkafka.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short version of {@link InstanceKillScenario} on one real broker: two instances, the
 * processing one that takes no writes killed with SIGKILL twice under steady load, with Kafka's
 * default 45 s session timeout and the default metric grace. Once restarted on its own state dir
 * (after being down longer than the session timeout, so the survivor took its tasks over
 * meanwhile), once on an empty one (after a few seconds: its tasks wait for the group to drop the
 * dead member). The containers' timeout (30 s) is shorter than either failover.
 */
class InstanceKillScenarioTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration SESSION_TIMEOUT = StreamsSettings.DEFAULT_SESSION_TIMEOUT;
    private static final Duration RESTORE_BOUND = Duration.ofSeconds(60);
    /**
     * Test-only: more options for both instances, to see this test fail on what it guards against,
     * e.g. {@code -Dfaults.instance.arguments="--metric-grace 30s"} (the grace of earlier versions).
     */
    private static final String EXTRA_ARGUMENTS = "faults.instance.arguments";

    @TempDir
    static Path workDir;

    private static Result result;

    @BeforeAll
    static void runScenario() throws Exception {
        InstanceKillScenario.Settings settings = InstanceKillScenario.alternating(KAFKA.bootstrapServers(), workDir, 2);
        result = InstanceKillScenario.run(new InstanceKillScenario.Settings(settings.bootstrapServers(), workDir,
                settings.cycles(), settings.containers(), settings.reportsPerSecond(), settings.containerTimeout(),
                settings.loadBetweenKills(), settings.sessionTimeout(), settings.startTimeout(),
                List.of(System.getProperty(EXTRA_ARGUMENTS, "").split(" ")).stream().filter(a -> !a.isBlank()).toList()));
        System.out.print(result.summary());
    }

    @Test
    void everyAcknowledgedReportIsInContainerEventsExactlyOnce() {
        assertThat(result.writesAcknowledged()).as("the load ran through both kills").isGreaterThan(500);
        assertThat(result.lost()).as(result.summary()).isZero();
        assertThat(result.duplicates()).as(result.summary()).isZero();
    }

    @Test
    void endpointRowsEqualTheLastAcknowledgedReportOfEachContainer() {
        assertThat(result.rowMismatches()).as(result.summary()).isEmpty();
    }

    @Test
    void everyTenSecondWindowHoldsExactlyItsAcknowledgedReportsWithNoHoleAndNothingCountedTwice() {
        assertThat(result.windowsChecked()).as("windows over the whole run").isGreaterThan(16 * 10);
        assertThat(result.windowMismatches()).as(result.summary()).isEmpty();
        assertThat(result.storedWindowMismatches()).as(result.summary()).isEmpty();
    }

    @Test
    void noContainerExpiresWhileItsReportsWaitOutAFailoverLongerThanItsTimeout() {
        assertThat(result.expiredContainers()).as(result.summary()).isEmpty();
    }

    @Test
    void killedInstanceIsHealthyAgainWithinAMinuteOfRestoreAfterTheGroupDroppedItsDeadMember() {
        assertThat(result.restarts()).hasSize(2);
        for (RestartFigures restart : result.restarts()) {
            Duration groupWait = SESSION_TIMEOUT.minus(restart.cycle().downtime());
            Duration bound = RESTORE_BOUND.plus(groupWait.isNegative() ? Duration.ZERO : groupWait);
            assertThat(restart.restartToHealthy()).as(result.summary()).isLessThan(bound);
        }
    }
}
