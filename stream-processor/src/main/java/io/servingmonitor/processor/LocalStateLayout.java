package io.servingmonitor.processor;

import io.servingmonitor.processor.metrics.MetricWindows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout in which this build writes its stores' local files, kept beside them (a file in the
 * application's state directory), so that local state written by a build whose stores had
 * another local layout is not read as if it were this one's. Such state is removed before Kafka
 * Streams starts, and every store is rebuilt from its changelog, whose records every layout
 * shares. Local state of no known layout (written before the marker existed) counts as layout 1.
 *
 * <p>The layout also names each window store's retention ({@link #of}): Kafka Streams splits a
 * window store into segments whose length it derives from the retention and finds them again by
 * their start times, so segments written under another retention would be read as the wrong
 * time ranges. A changed {@code --metric-resolutions}, {@code --metric-rollups} or grace that
 * changes a store's retention therefore rebuilds the local state from the changelogs once.
 */
public final class LocalStateLayout {

    /**
     * The layout of this build. 2: the metric window stores keep a key-ordered index beside their
     * time-ordered windows, which layout 1 did not write (its windows would be invisible to the
     * index's reads).
     */
    public static final int CURRENT = 2;

    /**
     * Where the {@link StreamsRunner} finds the layout of its topology in the Streams properties
     * (not a Kafka setting); without it, {@link #CURRENT} alone.
     */
    public static final String CONFIG_KEY = "serving.monitor.state.layout";

    /** The marker's file name in the application's state directory. */
    public static final String MARKER = "serving-monitor-state-layout";

    private static final Logger LOG = LoggerFactory.getLogger(LocalStateLayout.class);
    /** Kafka Streams' task directories: {@code <subtopology>_<partition>}, optionally {@code _<name>}. */
    private static final Pattern TASK_DIRECTORY = Pattern.compile("\\d+_\\d+(_.*)?");

    private LocalStateLayout() {
    }

    /**
     * The layout of the stores of {@code ServingTopology.build(config)}: {@link #CURRENT}, then
     * each window store's name and retention in ms (one per line, in the order of the stored
     * resolutions, finest first). The clock skew and the expiry scan change no store.
     */
    public static String of(ProcessorConfig config) {
        StringBuilder layout = new StringBuilder(Integer.toString(CURRENT));
        for (MetricResolution resolution : config.resolutions()) {
            layout.append('\n').append(resolution.storeName()).append('=')
                    .append(MetricWindows.storeRetention(resolution, config.metricGrace()).toMillis());
        }
        for (MetricResolution rollup : config.rollups()) {
            layout.append('\n').append(rollup.storeName()).append('=').append(rollup.retention().toMillis());
        }
        return layout.toString();
    }

    /**
     * Makes the local state in {@code applicationDir} one of {@code layout} ({@link #of}, or
     * {@link #CURRENT} as text): when it holds task state of another layout (or of none named),
     * runs {@code cleanUp} (Kafka Streams' own, before its start); then records {@code layout}.
     *
     * @return whether the local state was removed
     */
    public static boolean prepare(Path applicationDir, String layout, Runnable cleanUp) {
        try {
            Path marker = applicationDir.resolve(MARKER);
            String found = Files.isRegularFile(marker) ? Files.readString(marker, StandardCharsets.UTF_8).trim() : null;
            if (layout.strip().equals(found)) {
                return false;
            }
            boolean removed = hasTaskState(applicationDir);
            if (removed) {
                LOG.info("local state in {} was written in store layout [{}], this instance's is [{}]: removing it, "
                        + "every store is rebuilt from its changelog", applicationDir,
                        found == null ? "1" : found.replace('\n', ' '), layout.strip().replace('\n', ' '));
                cleanUp.run();
            }
            Files.createDirectories(applicationDir);
            Files.writeString(marker, layout.strip() + "\n", StandardCharsets.UTF_8);
            return removed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the state layout marker in " + applicationDir, e);
        }
    }

    private static boolean hasTaskState(Path applicationDir) throws IOException {
        if (!Files.isDirectory(applicationDir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(applicationDir)) {
            return entries.anyMatch(entry -> Files.isDirectory(entry)
                    && TASK_DIRECTORY.matcher(entry.getFileName().toString()).matches());
        }
    }
}
