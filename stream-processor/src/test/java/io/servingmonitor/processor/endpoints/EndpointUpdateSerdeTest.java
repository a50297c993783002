package io.servingmonitor.processor.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.topics.CompactSerde;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.ReferenceItem;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EndpointUpdateSerdeTest {

    private static final EndpointMember MEMBER = new EndpointMember("c1", "endpoint", "model", "src", "v1", "pre", "json",
            "128", List.of(new ReferenceItem("task", "t-1")), 5L, 100L, 2.5, 12L, 2, 1, 1_000L, 601_000L);
    private static final ContainerSample REPORT = ContainerSample.of(new LoadReport(5L, 100L, 2.5, 12L,
            new MachineStats(List.of(10.0, 30.0), List.of(50.0), 1024.0, 3072.0, List.of(512.0), List.of(2048.0),
                    1.5, 0.5, null, null, null, null, null, null)));
    private final CompactSerde<EndpointUpdate> serde = EndpointUpdates.updateSerde();

    @Test
    void everyKindOfUpdateRoundTrips() {
        for (EndpointUpdate update : List.of(EndpointUpdate.joined(MEMBER, REPORT), EndpointUpdate.joined(MEMBER, null),
                EndpointUpdate.leftEndpoint(), EndpointUpdate.reportOnly(REPORT))) {
            assertThat(serde.deserialize("t", serde.serialize("t", update))).isEqualTo(update);
        }
    }

    @Test
    void truncatedUpdateIsASerializationError() {
        byte[] bytes = serde.serialize("t", EndpointUpdate.joined(MEMBER, REPORT));

        assertThatThrownBy(() -> serde.deserialize("t", Arrays.copyOf(bytes, 10))).isInstanceOf(SerializationException.class);
    }
}
