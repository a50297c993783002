package io.servingmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void medianOfOddCountIsTheMiddleSampleWithMinAndMax() {
        Summary summary = Summary.of(List.of(30.0, 10.0, 20.0));

        assertThat(summary.median()).isEqualTo(20.0);
        assertThat(summary.min()).isEqualTo(10.0);
        assertThat(summary.max()).isEqualTo(30.0);
        assertThat(summary.samples()).containsExactly(30.0, 10.0, 20.0);
    }

    @Test
    void medianOfEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Summary.of(List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
    }

    @Test
    void noSamplesIsRefused() {
        assertThatThrownBy(() -> Summary.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latencyPercentilesAreNearestRankInMilliseconds() {
        Latencies latencies = new Latencies(1000);
        for (int ms = 1; ms <= 100; ms++) {
            latencies.add(ms * 1_000_000L);
        }

        assertThat(latencies.percentileMs(50)).isEqualTo(50.0);
        assertThat(latencies.percentileMs(99)).isEqualTo(99.0);
    }
}
