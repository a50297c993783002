package io.servingmonitor.processor.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.topics.ReferenceItem;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EndpointValueSerdesTest {

    @Test
    void memberRoundTripsWithEveryOptionalFieldPresentOrAbsent() {
        EndpointMember full = new EndpointMember("c\u00e9\ud83d\ude00", "endpoint", "model", "src", "v1", "pre", "json",
                "128", List.of(new ReferenceItem("task", "t-1"), new ReferenceItem("url", null)), 5L, 100L, 0.1, 12L, 2, 1,
                1_000L, 601_000L);
        EndpointMember sparse = new EndpointMember("c2", null, null, null, null, null, null, null, null,
                null, null, null, null, 0, 0, 1_000L, 601_000L);

        for (EndpointMember member : List.of(full, sparse)) {
            byte[] bytes = EndpointView.memberSerde().serialize("t", member);
            assertThat(EndpointView.memberSerde().deserialize("t", bytes)).isEqualTo(member);
        }
    }

    @Test
    void memberWithoutRegionKeepsFormatOneAndWithARegionAddsItInFormatTwo() {
        EndpointMember without = new EndpointMember("c1", "endpoint", "model", "src", "v1", "pre", "json", "128",
                List.of(new ReferenceItem("task", "t-1")), 5L, 100L, 0.1, 12L, 2, 1, 1_000L, 601_000L);
        EndpointMember with = new EndpointMember("c1", "endpoint", "model", "src", "v1", "pre", "json", "128",
                List.of(new ReferenceItem("task", "t-1")), 5L, 100L, 0.1, 12L, 2, 1, 1_000L, 601_000L, "eu-west-1");

        byte[] formatOne = EndpointView.memberSerde().serialize("t", without);
        byte[] formatTwo = EndpointView.memberSerde().serialize("t", with);

        assertThat(formatOne[0]).isEqualTo((byte) 1);
        assertThat(formatTwo[0]).isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(formatTwo, 1, formatOne.length))
                .as("format 2 is format 1's fields, then the region")
                .isEqualTo(Arrays.copyOfRange(formatOne, 1, formatOne.length));
        assertThat(EndpointView.memberSerde().deserialize("t", formatOne).region()).isNull();
        assertThat(EndpointView.memberSerde().deserialize("t", formatTwo)).isEqualTo(with);
        byte[] update = EndpointUpdates.updateSerde().serialize("t", EndpointUpdate.joined(with, null));
        assertThat(EndpointUpdates.updateSerde().deserialize("t", update).member()).isEqualTo(with);
    }

    @Test
    void memberOfAnUnknownFormatIsASerializationError() {
        byte[] bytes = EndpointView.memberSerde().serialize("t", new EndpointMember("c2", null, null, null, null, null,
                null, null, null, null, null, null, null, 0, 0, 1_000L, 601_000L));
        bytes[0] = 3;

        assertThatThrownBy(() -> EndpointView.memberSerde().deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown format 3");
    }

    @Test
    void summaryRoundTripsWithItsExactDecimalSum() {
        EndpointSummary summary = new EndpointSummary(3, 99, "c1", 1_500, new BigDecimal("0.1000000000000000055511151231257827"),
                2, 300, 3, 7_000, "c3", "endpoint", null, Long.MAX_VALUE);

        byte[] bytes = EndpointView.summarySerde().serialize("t", summary);

        assertThat(EndpointView.summarySerde().deserialize("t", bytes)).isEqualTo(summary);
    }

    @Test
    void valueCutShortIsASerializationError() {
        EndpointSummary summary = new EndpointSummary(1, 9, "c1", 15, BigDecimal.ONE, 1, 3, 1, 7_000, "c1", "e", "m", 9_000);
        byte[] bytes = EndpointView.summarySerde().serialize("t", summary);

        assertThatThrownBy(() -> EndpointView.summarySerde().deserialize("t", Arrays.copyOf(bytes, bytes.length - 4)))
                .isInstanceOf(SerializationException.class);
    }
}
