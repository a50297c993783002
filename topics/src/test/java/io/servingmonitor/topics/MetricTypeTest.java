package io.servingmonitor.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricTypeTest {

    private static final LoadReport REPORT = new LoadReport(30L, 1000L, 12.5, 40L, new MachineStats(
            List.of(20.0, 40.0), List.of(10.0, 30.0, 50.0), 2048.0, 1024.0,
            List.of(1024.0, 3072.0), List.of(512.0, 1536.0), 3.0, 4.0, null, null, null, null, null, null));

    @Test
    void perReportValuesFollowTheDesign() {
        assertThat(MetricType.REQUESTS.valueIn(REPORT)).contains(1000.0);
        assertThat(MetricType.REQUESTS_MIN.valueIn(REPORT)).contains(12.5);
        assertThat(MetricType.LATENCY_MS.valueIn(REPORT)).contains(40.0);
        assertThat(MetricType.CPU_COUNT.valueIn(REPORT)).contains(2.0);
        assertThat(MetricType.GPU_COUNT.valueIn(REPORT)).contains(3.0);
        assertThat(MetricType.CPU_UTIL.valueIn(REPORT)).contains(30.0);
        assertThat(MetricType.GPU_UTIL.valueIn(REPORT)).contains(30.0);
        assertThat(MetricType.RAM_USED.valueIn(REPORT)).contains(2.0);
        assertThat(MetricType.RAM_FREE.valueIn(REPORT)).contains(1.0);
        assertThat(MetricType.RAM_TOTAL.valueIn(REPORT)).contains(3.0);
        assertThat(MetricType.GPU_RAM_USED.valueIn(REPORT)).contains(1.0);
        assertThat(MetricType.GPU_RAM_FREE.valueIn(REPORT)).contains(2.0);
        assertThat(MetricType.GPU_RAM_TOTAL.valueIn(REPORT)).contains(3.0);
        assertThat(MetricType.NETWORK_RX.valueIn(REPORT)).contains(4.0);
        assertThat(MetricType.NETWORK_TX.valueIn(REPORT)).contains(3.0);
    }

    @Test
    void machineMetricsAreAbsentWithoutMachineStats() {
        LoadReport bare = new LoadReport(1L, 2L, null, null, null);
        assertThat(MetricType.CPU_UTIL.valueIn(bare)).isEmpty();
        assertThat(MetricType.RAM_TOTAL.valueIn(bare)).isEmpty();
        assertThat(MetricType.REQUESTS_MIN.valueIn(bare)).isEmpty();
    }

    @Test
    void requestsSampleIsTheMaxAndOthersTheMean() {
        ContainerSample sample = ContainerSample.EMPTY
                .add(new LoadReport(null, 100L, 10.0, null, null))
                .add(new LoadReport(null, 160L, 20.0, null, null));
        assertThat(sample.metrics().get(MetricType.REQUESTS).sample(MetricType.REQUESTS)).isEqualTo(160.0);
        assertThat(sample.metrics().get(MetricType.REQUESTS_MIN).sample(MetricType.REQUESTS_MIN)).isEqualTo(15.0);
    }

    @Test
    void fifteenMetricsWithTheirApiNames() {
        assertThat(MetricType.apiNames()).hasSize(15).contains("gpu_ram_free", "network_tx");
        assertThat(MetricType.fromApiName("nope")).isEmpty();
    }
}
