package io.servingmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuTimesTest {

    @Test
    void busyIsUserNiceSystemIrqSoftirqAndStealWhileIdleAndIowaitAreNot() {
        CpuTimes times = CpuTimes.parse("cpu  100 5 20 300 7 1 2 3 0 0");

        assertThat(times.busy()).isEqualTo(100 + 5 + 20 + 1 + 2 + 3);
        assertThat(times.total()).isEqualTo(131 + 300 + 7);
    }

    @Test
    void busyShareIsTheBusyPartOfTheTicksBetweenTwoReadings() {
        CpuTimes before = CpuTimes.parse("cpu 1000 0 0 1000 0 0 0 0");
        CpuTimes after = CpuTimes.parse("cpu 1150 0 50 1050 0 0 0 0");

        assertThat(after.busyShareSince(before)).isCloseTo(200.0 / 250, within(1e-9));
        assertThat(before.busyShareSince(before)).isNaN();
    }

    @Test
    void aPerCoreLineIsRefused() {
        assertThatThrownBy(() -> CpuTimes.parse("cpu0 1 2 3 4 5")).hasMessageContaining("aggregate");
    }
}
