package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalStateLayoutTest {

    @TempDir
    Path dir;

    private final AtomicInteger cleanUps = new AtomicInteger();

    /** Task state without a marker (written before markers existed) or with another layout's. */
    @ParameterizedTest
    @ValueSource(strings = {"", "1"})
    void taskStateOfAnotherOrNoLayoutIsRemovedAndTheCurrentLayoutRecorded(String marker) throws Exception {
        Files.createDirectories(dir.resolve("app/1_3/rocksdb"));
        if (!marker.isEmpty()) {
            Files.writeString(dir.resolve("app").resolve(LocalStateLayout.MARKER), marker + "\n");
        }

        assertThat(LocalStateLayout.prepare(dir.resolve("app"), "2", cleanUps::incrementAndGet)).isTrue();

        assertThat(cleanUps).hasValue(1);
        assertThat(Files.readString(dir.resolve("app").resolve(LocalStateLayout.MARKER)).trim()).isEqualTo("2");
    }

    @Test
    void stateOfTheCurrentLayoutIsKept() throws Exception {
        Files.createDirectories(dir.resolve("app/0_0"));
        Files.writeString(dir.resolve("app").resolve(LocalStateLayout.MARKER), "2\n");

        assertThat(LocalStateLayout.prepare(dir.resolve("app"), "2", cleanUps::incrementAndGet)).isFalse();

        assertThat(cleanUps).hasValue(0);
    }

    @Test
    void aNewOrTasklessStateDirectoryIsOnlyMarked() throws Exception {
        assertThat(LocalStateLayout.prepare(dir.resolve("new"), "2", cleanUps::incrementAndGet)).isFalse();
        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("other/kafka-streams-process-metadata"), "{}");
        assertThat(LocalStateLayout.prepare(dir.resolve("other"), "2", cleanUps::incrementAndGet)).isFalse();

        assertThat(cleanUps).hasValue(0);
        assertThat(dir.resolve("new").resolve(LocalStateLayout.MARKER)).exists();
        assertThat(dir.resolve("other").resolve(LocalStateLayout.MARKER)).exists();
    }

    /**
     * A window store's segments are found by start time at a length derived from its retention:
     * another retention of any store is another layout, and the same configuration is the same.
     */
    @Test
    void aChangedRetentionOfAnyWindowStoreIsAnotherLayoutAndTheSameConfigurationTheSame() throws Exception {
        ProcessorConfig defaults = ProcessorConfig.defaults();
        String layout = LocalStateLayout.of(defaults);
        List<ProcessorConfig> others = List.of(
                withResolutions(defaults, List.of(new MetricResolution(Duration.ofSeconds(10), Duration.ofDays(3)),
                        defaults.resolutions().get(1))),
                withResolutions(defaults, List.of(defaults.resolutions().get(0),
                        new MetricResolution(Duration.ofMinutes(5), Duration.ofDays(30)))),
                defaults.withRollups(List.of(new MetricResolution(Duration.ofHours(1), Duration.ofDays(400)))),
                defaults.withRollups(List.of()),
                // A grace longer than the 10 s windows' retention lengthens that store's retention.
                new ProcessorConfig(defaults.resolutions(), defaults.expiryScanInterval(), Duration.ofDays(3),
                        defaults.maxClockSkew(), defaults.rollups()));
        for (ProcessorConfig other : others) {
            assertThat(LocalStateLayout.of(other)).as("layout of %s", other).isNotEqualTo(layout);
        }
        assertThat(LocalStateLayout.of(ProcessorConfig.defaults().withMaxClockSkew(Duration.ofDays(3))))
                .as("the clock skew changes no store").isEqualTo(layout);

        Files.createDirectories(dir.resolve("app/1_0/rocksdb"));
        assertThat(LocalStateLayout.prepare(dir.resolve("app"), layout, cleanUps::incrementAndGet)).isTrue();
        assertThat(LocalStateLayout.prepare(dir.resolve("app"), LocalStateLayout.of(ProcessorConfig.defaults()),
                cleanUps::incrementAndGet)).as("same configuration, state kept").isFalse();
        assertThat(LocalStateLayout.prepare(dir.resolve("app"), LocalStateLayout.of(others.get(1)), cleanUps::incrementAndGet))
                .as("five-minute windows kept 30 days instead of 90").isTrue();
        assertThat(cleanUps).hasValue(2);
    }

    private static ProcessorConfig withResolutions(ProcessorConfig config, List<MetricResolution> resolutions) {
        return new ProcessorConfig(resolutions, config.expiryScanInterval(), config.metricGrace(), config.maxClockSkew(),
                config.rollups());
    }
}
