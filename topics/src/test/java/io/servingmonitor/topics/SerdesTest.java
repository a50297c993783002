package io.servingmonitor.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SerdesTest {

    private static final MachineStats STATS = new MachineStats(List.of(10.0, 30.0), List.of(50.0), 1024.0, 3072.0,
            List.of(2048.0), List.of(1024.0), 1.5, 2.5, 80.0, 70.0, 0.1, 0.2, List.of(40.0), List.of(60.0));
    private static final ModelInfo MODEL = new ModelInfo("ep", "url/a", "m", "src", "v1", "pre", "json", "12",
            List.of(new ReferenceItem("model", "abc")), List.of("t"), null);

    @Test
    void containerEventRoundTripsWithSnakeCaseFields() {
        ContainerEvent event = new ContainerEvent(ContainerEventType.STATUS_REPORT, "acme", "c-1", 1_000L, "10.0.0.1",
                null, MODEL, new LoadReport(5L, 100L, 2.5, 12L, STATS));
        JsonSerde<ContainerEvent> serde = Serdes.containerEvent();

        byte[] bytes = serde.serialize("t", event);

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains("\"container_id\":\"c-1\"", "\"endpoint_url\":\"url/a\"", "\"cpu_usage\":[10.0,30.0]")
                .doesNotContain("timeout_sec", "system_tags");
        assertThat(serde.deserialize("t", bytes)).isEqualTo(event);
    }

    @Test
    void tombstoneStaysNull() {
        assertThat(Serdes.containerEntry().serialize("t", null)).isNull();
        assertThat(Serdes.containerEntry().deserialize("t", null)).isNull();
    }

    @Test
    void containerEntryRoundTripsWithoutDerivedFields() {
        ContainerEntry entry = new ContainerEntry("acme", "c-1", MODEL, LoadReport.EMPTY, null, 1L, 2L, 600);
        byte[] bytes = Serdes.containerEntry().serialize("t", entry);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("expires_at", "\"url\"", "\"key\"");
        assertThat(Serdes.containerEntry().deserialize("t", bytes)).isEqualTo(entry);
    }

    @Test
    void windowAggregateRoundTripsWithMetricApiNamesAsKeys() {
        WindowAggregate aggregate = WindowAggregate.EMPTY.add("c-1", new LoadReport(5L, 100L, 2.5, 12L, STATS));
        byte[] bytes = Serdes.windowAggregate().serialize("t", aggregate);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"gpu_ram_total\"", "\"requests_min\"");
        assertThat(Serdes.windowAggregate().deserialize("t", bytes)).isEqualTo(aggregate);
    }

    @Test
    void containerKeyOfACompanyStartsWithItsPrefixAndNotAnotherCompanys() {
        byte[] key = Serdes.containerKey().serialize("t", new ContainerKey("a\"b", "c"));
        String text = new String(key, StandardCharsets.UTF_8);

        assertThat(text).startsWith(utf8(ContainerKey.companyPrefix("a\"b")));
        assertThat(text).doesNotStartWith(utf8(ContainerKey.companyPrefix("a")));
        assertThat(new String(Serdes.endpointKey().serialize("t", new EndpointKey("ab", "u")), StandardCharsets.UTF_8))
                .startsWith(utf8(EndpointKey.companyPrefix("ab")))
                .doesNotStartWith(utf8(EndpointKey.companyPrefix("a")));
    }

    @Test
    void metricWindowRoundTrips() {
        MetricWindow window = new MetricWindow("acme", "u", 10, 0, 10_000,
                new WindowAggregate(Map.of("c", ContainerSample.EMPTY.add(new LoadReport(1L, 2L, 3.0, 4L, null)))));
        assertThat(Serdes.metricWindow().deserialize("t", Serdes.metricWindow().serialize("t", window))).isEqualTo(window);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
