package io.servingmonitor.faults;

import io.servingmonitor.embeddedkafka.EmbeddedKafkaBroker;
import java.nio.file.Path;

/**
 * {@link InstanceKillScenario} as a scenario of {@code serving-monitor faults}: one broker of its
 * own (in this JVM; the instances are the child processes it kills) and {@code --cycles} kills of
 * the processing instance, alternating a restart on its state dir after more than the session
 * timeout and one on an empty state dir after a few seconds (about a minute per cycle).
 */
final class InstanceKillFaults implements Scenario {

    static final String NAME = "instance-kill";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Figures run(FaultOptions options) throws Exception {
        Path workDir = WorkDir.of(options, NAME);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), 0)) {
            InstanceKillScenario.Result result = InstanceKillScenario.run(
                    InstanceKillScenario.alternating(broker.bootstrapServers(), workDir.resolve("instances"),
                            options.cycles()));
            Figures.Builder figures = new Figures.Builder(NAME)
                    .put("cycles", result.cycles())
                    .put("writes sent", result.writesSent())
                    .put("writes acknowledged", result.writesAcknowledged())
                    .put("writes found", result.writesFound())
                    .put("duplicates", result.duplicates())
                    .put("lost", result.lost())
                    .put("found without a 200", result.unacknowledgedFound())
                    .put("windows checked", result.windowsChecked())
                    .put("window mismatches (charts)", result.windowMismatches().size())
                    .put("window mismatches (store)", result.storedWindowMismatches().size())
                    .put("row mismatches", result.rowMismatches().size())
                    .put("containers expired while reporting", result.expiredContainers().size())
                    .put("catch-up ms", result.catchUp().toMillis());
            long slowestRestart = result.restarts().stream()
                    .mapToLong(restart -> restart.restartToHealthy().toMillis()).max().orElse(-1);
            figures.put("slowest restart to healthy ms", slowestRestart)
                    .check(result.lost() == 0, "acknowledged writes lost: " + result.lost())
                    .check(result.duplicates() == 0, "writes found twice: " + result.duplicates())
                    .check(result.clean(), "windows, rows or expiry differ from the acknowledged writes:\n"
                            + result.summary());
            return figures.build();
        }
    }
}
