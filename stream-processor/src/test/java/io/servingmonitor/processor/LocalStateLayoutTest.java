package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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

        assertThat(LocalStateLayout.prepare(dir.resolve("app"), 2, cleanUps::incrementAndGet)).isTrue();

        assertThat(cleanUps).hasValue(1);
        assertThat(Files.readString(dir.resolve("app").resolve(LocalStateLayout.MARKER)).trim()).isEqualTo("2");
    }

    @Test
    void stateOfTheCurrentLayoutIsKept() throws Exception {
        Files.createDirectories(dir.resolve("app/0_0"));
        Files.writeString(dir.resolve("app").resolve(LocalStateLayout.MARKER), "2\n");

        assertThat(LocalStateLayout.prepare(dir.resolve("app"), 2, cleanUps::incrementAndGet)).isFalse();

        assertThat(cleanUps).hasValue(0);
    }

    @Test
    void aNewOrTasklessStateDirectoryIsOnlyMarked() throws Exception {
        assertThat(LocalStateLayout.prepare(dir.resolve("new"), 2, cleanUps::incrementAndGet)).isFalse();
        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("other/kafka-streams-process-metadata"), "{}");
        assertThat(LocalStateLayout.prepare(dir.resolve("other"), 2, cleanUps::incrementAndGet)).isFalse();

        assertThat(cleanUps).hasValue(0);
        assertThat(dir.resolve("new").resolve(LocalStateLayout.MARKER)).exists();
        assertThat(dir.resolve("other").resolve(LocalStateLayout.MARKER)).exists();
    }
}
