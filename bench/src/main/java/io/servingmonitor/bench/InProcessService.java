package io.servingmonitor.bench;

import io.servingmonitor.launcher.LauncherOptions;
import io.servingmonitor.launcher.StandaloneApp;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The full service (ingest, topology, queries on one port) started in this JVM with the
 * launcher's {@link StandaloneApp}, on the bench's Kafka, under a fresh application id whose
 * consumer group begins at the given offsets of {@code container-events}.
 */
public final class InProcessService implements AutoCloseable {

    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(120);

    private final StandaloneApp app;
    private final String applicationId;
    private final Path dataDir;

    private InProcessService(StandaloneApp app, String applicationId, Path dataDir) {
        this.app = app;
        this.applicationId = applicationId;
        this.dataDir = dataDir;
    }

    public static InProcessService start(BenchContext context, String what, Map<TopicPartition, Long> from)
            throws Exception {
        String applicationId = context.uniqueName(what);
        Path dataDir = context.freshDir(applicationId);
        context.offsets().startGroupAt(applicationId, from);
        LauncherOptions options = LauncherOptions.parse(serviceArguments(context, applicationId, dataDir, 0), Map.of());
        StandaloneApp app = StandaloneApp.start(options, Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));
        if (!app.awaitRunning(RUNNING_TIMEOUT)) {
            app.close();
            throw new IllegalStateException("the service's Streams instance did not reach RUNNING");
        }
        return new InProcessService(app, applicationId, dataDir);
    }

    /** The arguments of {@code serving-monitor standalone} for a bench service. */
    static List<String> serviceArguments(BenchContext context, String applicationId, Path dataDir, int port) {
        return List.of("--bootstrap-servers", context.bootstrapServers(),
                "--port", Integer.toString(port),
                "--data-dir", dataDir.toString(),
                "--credentials", BenchCredentials.writeFile(dataDir).toString(),
                "--application-id", applicationId,
                "--token-secret", BenchCredentials.TOKEN_SECRET);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    public String applicationId() {
        return applicationId;
    }

    @Override
    public void close() {
        app.close();
        BenchContext.deleteTree(dataDir);
    }
}
