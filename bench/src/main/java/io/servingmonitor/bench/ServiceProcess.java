package io.servingmonitor.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The service as a child JVM ({@code serving-monitor standalone}, or one role, {@code ingest} or
 * {@code query}, on the bench's class path and Kafka), so that its memory and CPU are its own: RSS
 * from {@code /proc/<pid>/status}, heap from its {@code /metrics}, CPU time from the JDK. It can be
 * stopped (SIGTERM, a clean shutdown) and started again on the same data directory and port, to
 * time a restart to healthy.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final String MAIN_CLASS = "io.servingmonitor.launcher.ServingMonitor";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOG_TAIL_LINES = 15;

    private final List<String> command;
    private final Path logFile;
    private final int port;
    private boolean stopRequested;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private boolean hookAdded;
    private final Thread killOnExit = new Thread(this::destroyNow, "bench-service-stop");

    private ServiceProcess(List<String> command, Path logFile, int port) {
        this.command = command;
        this.logFile = logFile;
        this.port = port;
    }

    /** Prepares (does not start) a service under {@code applicationId} with its data in {@code dataDir}. */
    public static ServiceProcess prepare(BenchContext context, String applicationId, Path dataDir) {
        int port = freePort();
        return role("standalone", List.of(), InProcessService.serviceArguments(context, applicationId, dataDir, port),
                dataDir.resolve("service.log"), port);
    }

    /**
     * Prepares (does not start) {@code serving-monitor <role> <arguments>} with these JVM options,
     * its output appended to {@code logFile}; {@code arguments} must give {@code --port port}.
     */
    public static ServiceProcess role(String role, List<String> jvmOptions, List<String> arguments, Path logFile,
                                      int port) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN_CLASS, role));
        command.addAll(arguments);
        return new ServiceProcess(command, logFile, port);
    }

    /** Starts the process and returns how long it took until {@code /health} answered 200. */
    public Duration startAndAwaitHealthy(Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        start();
        return awaitHealthy(timeout, start);
    }

    /** Starts the process without waiting (several nodes can then start at once). */
    public void start() throws IOException {
        stopRequested = false;
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        if (!hookAdded) {
            // A bench stopped midway must not leave its service running.
            Runtime.getRuntime().addShutdownHook(killOnExit);
            hookAdded = true;
        }
    }

    /** Waits until {@code /health} answers 200 and returns how long that took since {@code startNanos}. */
    public Duration awaitHealthy(Duration timeout, long startNanos) throws InterruptedException {
        long deadline = startNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + "; see " + logFile
                        + ", which ends:\n" + logTail());
            }
            if (healthy()) {
                return Duration.ofNanos(System.nanoTime() - startNanos);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the service was not healthy within " + timeout + "; see " + logFile
                + ", which ends:\n" + logTail());
    }

    /** The last lines of the process's output (the work directory is deleted after the run). */
    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /**
     * SIGTERM without waiting, so that several processes shut down at once; {@link #stop()} or
     * {@link #close()} then waits.
     */
    public void requestStop() {
        if (process != null && process.isAlive() && !stopRequested) {
            stopRequested = true;
            process.destroy();
        }
    }

    /** SIGTERM (unless {@link #requestStop()} sent it), then waits for the clean shutdown (a kill after {@link #STOP_TIMEOUT}). */
    public void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        requestStop();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** CPU seconds the process has used so far. */
    public double cpuSeconds() {
        return CpuTimes.processSeconds(process.toHandle());
    }

    /** Whether {@code /health} answers 200 now. */
    public boolean isHealthy() {
        return healthy();
    }

    /** The resident set size of the process, in MiB ({@code VmRSS}). */
    public double rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for process " + process.pid());
    }

    /** The heap in use, in MiB: the sum of {@code jvm_memory_used_bytes{area="heap"}} on {@code /metrics}. */
    public double heapUsedMiB() throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double bytes = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return bytes / (1024 * 1024);
    }

    private boolean healthy() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private void destroyNow() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        if (hookAdded) {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        }
    }
}
