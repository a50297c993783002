package io.servingmonitor.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointStatsTest {

    private static ContainerEntry container(String id, long lastActivityMs, LoadReport load) {
        ModelInfo model = new ModelInfo("ep-" + id, "/u", "model-" + id, null, null, null, null, null, null, null, null);
        return new ContainerEntry("acme", id, model, load, null, 0, lastActivityMs, 600);
    }

    @Test
    void rowSumsRequestsTakesMaxUptimeAndAveragesRatesOverReportingContainers() {
        EndpointStats row = EndpointStats.of("/u", List.of(
                container("a", 1_000, new LoadReport(30L, 100L, 1.005, 10L, null)),
                container("b", 3_000, new LoadReport(90L, 50L, 2.0, 13L, null))));

        assertThat(row).isEqualTo(new EndpointStats("ep-b", "model-b", "/u", 2, 90, 150, 1.5, 12,
                "1970-01-01T00:00:03Z"));
    }

    @Test
    void containerThatHasNotReportedCountsAsInstanceButNotInTheMeans() {
        EndpointStats row = EndpointStats.of("/u", List.of(
                container("a", 1_000, new LoadReport(30L, 100L, 4.0, 10L, null)),
                container("b", 2_000, LoadReport.EMPTY)));

        assertThat(row.instances()).isEqualTo(2);
        assertThat(row.requestsMin()).isEqualTo(4.0);
        assertThat(row.latencyMs()).isEqualTo(10);
        assertThat(row.requests()).isEqualTo(100);
    }

    @Test
    void endpointWhoseContainersNeverReportedHasZeroFigures() {
        EndpointStats row = EndpointStats.of("/u", List.of(container("a", 1_000, LoadReport.EMPTY)));

        assertThat(row.requestsMin()).isZero();
        assertThat(row.latencyMs()).isZero();
        assertThat(row.uptimeSec()).isZero();
    }

    @Test
    void rowNeedsAtLeastOneContainer() {
        assertThatThrownBy(() -> EndpointStats.of("/u", List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
