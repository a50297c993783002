package io.servingmonitor.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ContainerSampleSerdeTest {

    private static final MachineStats STATS = new MachineStats(List.of(10.0, 30.0), List.of(50.0), 1024.0, 3072.0,
            List.of(512.0), List.of(2048.0), 1.5, 0.5, null, null, null, null, null, null);
    private final CompactSerde<ContainerSample> serde = Serdes.containerSample();

    @Test
    void sampleOfSeveralReportsRoundTripsExactly() {
        ContainerSample sample = ContainerSample.EMPTY.add(new LoadReport(5L, 100L, 2.5, 12L, STATS))
                .add(new LoadReport(6L, 130L, 0.1, 13L, STATS));

        assertThat(serde.deserialize("t", serde.serialize("t", sample))).isEqualTo(sample);
    }

    @Test
    void oneReportWithEveryMetricTakesUnderTwoHundredBytes() {
        ContainerSample sample = ContainerSample.EMPTY.add(new LoadReport(5L, 100L, 2.5, 12L, STATS));

        assertThat(sample.metrics()).hasSize(MetricType.values().length);
        assertThat(serde.serialize("t", sample)).hasSizeLessThan(200);
    }

    @Test
    void metricUnknownToThisVersionIsSkippedAndTheOthersAreRead() {
        ContainerSample known = ContainerSample.EMPTY.add(new LoadReport(null, 7L, null, 3L, null));
        byte[] bytes = serde.serialize("t", known);
        // The same sample as a newer version writes it with one more metric (code 200, count 2).
        ByteBuffer newer = ByteBuffer.allocate(bytes.length + 21).put(bytes, 0, bytes.length);
        newer.put(1, (byte) (bytes[1] + 1));
        newer.put((byte) 200).putInt(2).putDouble(1.0).putDouble(0.75);

        assertThat(serde.deserialize("t", newer.array())).isEqualTo(known);
    }

    @Test
    void truncatedSampleIsASerializationError() {
        byte[] bytes = serde.serialize("t", ContainerSample.EMPTY.add(new LoadReport(null, 7L, null, 3L, null)));

        assertThatThrownBy(() -> serde.deserialize("t", java.util.Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(SerializationException.class);
    }
}
