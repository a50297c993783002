package io.servingmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleOutTableTest {

    @Test
    void eachRowHasItsRatioToTheSameRunCeilingAndToTheSameCallOnTheFewestNodes() {
        String table = ScaleOutScenario.table(List.of(
                new ScaleOutScenario.Row("get_endpoints", 1, 400, 1_000, 30, 80, 1.9),
                new ScaleOutScenario.Row("get_endpoints", 2, 500, 1_000, 25, 70, 2.0),
                new ScaleOutScenario.Row("container_status_report", 1, 300, 600, 40, 90, 1.8),
                new ScaleOutScenario.Row("container_status_report", 2, 150, 500, 80, 200, 2.0)));

        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(2)).isEqualTo("| get_endpoints | 1 | 400 | 0.40x | 1.00x | 30.00 / 80.00 | 1.90 |");
        assertThat(lines.get(3)).isEqualTo("| get_endpoints | 2 | 500 | 0.50x | 1.25x | 25.00 / 70.00 | 2.00 |");
        assertThat(lines.get(5)).isEqualTo("| container_status_report | 2 | 150 | 0.30x | 0.50x | 80.00 / 200 | 2.00 |");
    }

    @Test
    void aMissingCeilingIsNotAvailableRatherThanInfinite() {
        String table = ScaleOutScenario.table(List.of(
                new ScaleOutScenario.Row("get_endpoint_details", 1, 400, Double.NaN, 3, 9, 1.0)));

        assertThat(table.lines().toList().get(2)).contains("| n/a | 1.00x |");
    }
}
