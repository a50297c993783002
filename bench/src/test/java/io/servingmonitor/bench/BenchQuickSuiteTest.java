package io.servingmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the quick suite on an embedded broker, once per figure, only to prove that the suite
 * works: every scenario produces its figures and the JSON report is written and reads back. No
 * thresholds and no timing: the figures of a quick run mean nothing.
 */
class BenchQuickSuiteTest {

    @Test
    void quickSuiteGivesAFigureForEveryScenarioAndWritesAReadableReport(@TempDir Path out) throws Exception {
        BenchOptions options = BenchOptions.parse(List.of("--quick", "--runs", "1", "--out", out.toString()));

        BenchSuite.Outcome outcome = BenchSuite.run(options, "test", System.out);

        assertThat(outcome.report().errors()).isEmpty();
        assertThat(outcome.file()).exists().hasParent(out);
        assertThat(outcome.file().getFileName().toString()).matches("\\d{4}-\\d{2}-\\d{2}\\.json");
        BenchReport read = BenchReport.read(outcome.file());
        assertThat(read.figures()).extracting(Figure::scenario)
                .contains(ProcessingScenario.NAME, IngestScenario.NAME, ReadsScenario.NAME, ReadsScenario.FOOTPRINT,
                        SustainedScenario.NAME);
        assertThat(read.figures()).allSatisfy(figure -> assertThat(figure.value().samples()).isNotEmpty());
        assertThat(read.figures()).filteredOn(f -> f.name().startsWith("topology drain"))
                .hasSize(4)
                .extracting(Figure::ceiling).doesNotContainNull();
        assertThat(Files.readString(outcome.file())).contains("\"ratioToCeiling\"");
    }
}
