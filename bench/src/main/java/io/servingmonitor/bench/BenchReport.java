package io.servingmonitor.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one bench run found, as written to {@code <yyyy-MM-dd>.json}: when, with which
 * command, on which machine (load average at start and end, since the machine may be shared),
 * at which sizes, the figures, and the scenarios that failed (with their error).
 */
public record BenchReport(String date, String startedAt, String command, MachineInfo machine, String loadAverageAtEnd,
                          int runs, List<String> sizes, List<Figure> figures, List<String> errors, double seconds) {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BenchReport {
        sizes = List.copyOf(sizes);
        figures = List.copyOf(figures);
        errors = List.copyOf(errors);
    }

    /** Writes the report to {@code dir/<date>.json} and returns that file. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(date + ".json");
        MAPPER.writeValue(file.toFile(), this);
        return file;
    }

    public static BenchReport read(Path file) throws IOException {
        // The derived ratios are written for readers; reading skips them.
        return MAPPER.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(file.toFile(), BenchReport.class);
    }
}
