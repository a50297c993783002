package io.servingmonitor.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * What every scenario of one bench run shares: the Kafka cluster, the work directory (state
 * dirs, service data), the sizes and run count, and where progress is printed.
 */
public final class BenchContext {

    private final String bootstrapServers;
    private final Path workDir;
    private final Sizes sizes;
    private final int runs;
    private final PrintStream log;
    private final GroupOffsets offsets;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicInteger names = new AtomicInteger();

    public BenchContext(String bootstrapServers, Path workDir, Sizes sizes, int runs, PrintStream log) {
        this.bootstrapServers = bootstrapServers;
        this.workDir = workDir;
        this.sizes = sizes;
        this.runs = runs;
        this.log = log;
        this.offsets = new GroupOffsets(bootstrapServers);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Sizes sizes() {
        return sizes;
    }

    public int runs() {
        return runs;
    }

    public GroupOffsets offsets() {
        return offsets;
    }

    /** A name no earlier application or directory of this or another bench run has: {@code bench-<what>-<run>-<n>}. */
    public String uniqueName(String what) {
        return "bench-" + what + "-" + runId + "-" + names.incrementAndGet();
    }

    /** A fresh, empty directory under the work directory. */
    public Path freshDir(String name) {
        try {
            return Files.createDirectories(workDir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes a directory tree, best effort: a Streams thread that outlived its close (a crash
     * loop) may still be writing there, and a leftover in the work directory harms no figure.
     */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("bench: could not delete all of " + dir + ": " + e);
        }
    }

    public void log(String format, Object... args) {
        log.printf("[bench] " + format + "%n", args);
        log.flush();
    }

    public void close() {
        offsets.close();
    }
}
