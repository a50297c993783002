package io.servingmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the quick suite on an embedded broker, once per figure, only to prove that the suite
 * works: every scenario produces its figures and the JSON report is written and reads back. No
 * thresholds and no timing: the figures of a quick run mean nothing.
 *
 * <p>The suite runs once (it takes minutes) for the whole class; each test asserts on that run.
 * Scale-out needs nginx: where it is installed, {@link #scaleOutGivesFiguresForEveryQuickNodeCount}
 * asserts its figures; where it is not, that test is reported as skipped (a JUnit assumption, so
 * the missing check shows in the test report instead of passing silently), and
 * {@link #scaleOutSaysItWasSkippedWithoutNginx} asserts the line the scenario prints instead.
 */
class BenchQuickSuiteTest {

    @TempDir
    static Path out;

    private static BenchSuite.Outcome outcome;
    private static String printed;

    @BeforeAll
    static void runTheQuickSuiteOnce() throws Exception {
        BenchOptions options = BenchOptions.parse(List.of("--quick", "--runs", "1", "--out", out.toString()));
        assertThat(options.scenarios()).containsExactlyElementsOf(BenchOptions.SCENARIOS);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new Tee(System.out, copy), true, StandardCharsets.UTF_8);
        outcome = BenchSuite.run(options, "test", tee);
        tee.flush();
        printed = copy.toString(StandardCharsets.UTF_8);
    }

    @Test
    void quickSuiteGivesAFigureForEveryScenarioAndWritesAReadableReport() throws Exception {
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

    /**
     * The backfilled history (hourly over 90 days) reaches the service's charts with its own
     * times: nearly every bucket of the 90 d chart has data. Stamped "now" by the service's clock
     * skew clamp, it would fill the last bucket only.
     */
    @Test
    void readsScenariosHistoryFillsMostBucketsOfTheNinetyDayChart() {
        java.util.regex.Matcher coverage = java.util.regex.Pattern
                .compile("90 d cpu_util chart of a history url: (\\d+) of (\\d+) buckets have data").matcher(printed);
        assertThat(coverage.find()).as("the reads scenario logged the history's coverage").isTrue();
        int withData = Integer.parseInt(coverage.group(1));
        int buckets = Integer.parseInt(coverage.group(2));
        assertThat(withData).as("buckets with data of %d", buckets).isGreaterThan(buckets / 2);
    }

    @Test
    void scaleOutGivesFiguresForEveryQuickNodeCount() throws Exception {
        assumeTrue(NginxFront.executable().isPresent(), "nginx is not installed: the scale-out scenario was skipped");
        BenchReport read = BenchReport.read(outcome.file());
        List<Figure> scaleOut = read.figures().stream().filter(f -> f.scenario().equals(ScaleOutScenario.NAME)).toList();
        for (int nodes : Sizes.quick().scaleOutNodeCounts()) {
            String what = nodes + " query node" + (nodes == 1 ? "" : "s") + " + 1 ingest node behind nginx";
            assertThat(scaleOut).as("scale-out answers/s at %d query node(s)", nodes)
                    .filteredOn(f -> f.unit().equals("answers/s") && f.name().contains(", " + what)
                            && !f.name().startsWith("ceiling"))
                    .hasSize(4)
                    .allSatisfy(f -> {
                        assertThat(f.value().samples()).isNotEmpty();
                        assertThat(f.ceiling()).isNotNull();
                    });
            assertThat(scaleOut).as("scale-out ceilings at %d query node(s)", nodes)
                    .filteredOn(f -> f.name().startsWith("ceiling") && f.name().contains("measured with " + what))
                    .hasSize(2);
        }
    }

    @Test
    void scaleOutSaysItWasSkippedWithoutNginx() {
        assumeTrue(NginxFront.executable().isEmpty(), "nginx is installed: the scale-out figures are asserted instead");
        assertThat(printed).contains("scale-out: SKIPPED: nginx is not installed");
        assertThat(outcome.report().figures()).noneMatch(f -> f.scenario().equals(ScaleOutScenario.NAME));
    }

    /** Writes to the console and keeps a copy, so the scenario's printed lines can be asserted. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            first.flush();
            second.flush();
        }
    }
}
