package io.servingmonitor.processor.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryEntrySerdeTest {

    @Test
    void entryRoundTripsWithAndWithoutIpAndUrl() {
        for (RegistryEntry entry : List.of(new RegistryEntry(1_000, 2_000, 600, "10.0.0.7", "https://serve.example/a"),
                new RegistryEntry(1_000, 1_000, 1, null, null))) {
            byte[] bytes = ContainerRegistry.entrySerde().serialize("t", entry);

            assertThat(ContainerRegistry.entrySerde().deserialize("t", bytes)).isEqualTo(entry);
            assertThat(bytes).hasSizeLessThan(80);
        }
    }
}
