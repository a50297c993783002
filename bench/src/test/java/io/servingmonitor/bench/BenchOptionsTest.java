package io.servingmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void defaultsAreFullSizesThreeRunsAndTheResultsFolder() {
        BenchOptions options = BenchOptions.parse(List.of());

        assertThat(options.quick()).isFalse();
        assertThat(options.runs()).isEqualTo(3);
        assertThat(options.outDir()).isEqualTo(Path.of("bench", "results"));
        assertThat(options.sizes()).isEqualTo(Sizes.full());
        assertThat(options.scenarios()).containsExactlyElementsOf(BenchOptions.DEFAULT_SCENARIOS);
    }

    @Test
    void onlyKeepsTheSuiteOrderAndFootprintMeansReads() {
        BenchOptions options = BenchOptions.parse(List.of("--only", "sustained,footprint,processing"));

        assertThat(options.scenarios()).containsExactly("processing", "reads", "sustained");
    }

    @Test
    void scaleShrinksCountsButKeepsContainersPerUrl() {
        Sizes sizes = BenchOptions.parse(List.of("--scale", "0.1")).sizes();

        assertThat(sizes.processingEvents()).isEqualTo(100_000);
        assertThat(sizes.processingFleets().get(0)).isEqualTo(new FleetShape(10_000, 1_000));
        assertThat(sizes.processingFleets().get(3).containersPerUrl()).isEqualTo(1_000);
    }

    @Test
    void readContainersChooseTheReadFleetsAtTenPerUrl() {
        Sizes sizes = BenchOptions.parse(List.of("--read-containers", "1000,100000")).sizes();

        assertThat(sizes.readFleets()).containsExactly(new FleetShape(1_000, 100), new FleetShape(100_000, 10_000));
    }

    @Test
    void everyScenarioRunsByDefaultAndOnlyKeepsTheSuiteOrder() {
        assertThat(BenchOptions.parse(List.of()).scenarios()).containsExactlyElementsOf(BenchOptions.SCENARIOS);
        assertThat(BenchOptions.parse(List.of("--quick")).scenarios()).contains(ScaleOutScenario.NAME);
        assertThat(BenchOptions.parse(List.of("--only", "scale-out,ingest")).scenarios())
                .containsExactly(IngestScenario.NAME, ScaleOutScenario.NAME);
    }

    @Test
    void scaleOutNodeCountsAreOneToThreeInFullAndScaledSizesAndFewerInQuick() {
        assertThat(Sizes.full().scaleOutNodeCounts()).containsExactly(1, 2, 3);
        assertThat(BenchOptions.parse(List.of("--scale", "0.1")).sizes().scaleOutNodeCounts()).containsExactly(1, 2, 3);
        assertThat(BenchOptions.parse(List.of("--quick")).sizes().scaleOutNodeCounts()).containsExactly(1, 2);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--runs", "0"))).hasMessageContaining("--runs");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--scale", "2"))).hasMessageContaining("--scale");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--only", "nope"))).hasMessageContaining("nope");
        assertThatThrownBy(() -> BenchOptions.parse(List.of("--runs"))).hasMessageContaining("needs a value");
    }
}
