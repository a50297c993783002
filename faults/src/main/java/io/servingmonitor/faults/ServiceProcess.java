package io.servingmonitor.faults;

import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.launcher.Role;
import io.servingmonitor.launcher.ServingMonitor;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code serving-monitor} process of a given {@link Role} as a child JVM on this JVM's class path, so that it can be
 * killed for real ({@link #kill()}: SIGKILL, no shutdown hook runs) or stopped as a service
 * manager would ({@link #stop()}: SIGTERM). Its output goes to a log file; every process still
 * alive when this JVM exits is killed by a shutdown hook, so a failed run leaves none behind.
 */
public final class ServiceProcess implements AutoCloseable {

    /** The line the launcher prints once HTTP serves. */
    public static final String LISTENING_LINE = "serving-monitor listening on";

    private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(Process::destroyForcibly),
                "faults-kill-children"));
    }

    private final Process process;
    private final Path log;
    private final Object outputLock = new Object();
    private final List<String> lines = new ArrayList<>();

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        ALIVE.add(process);
        Thread reader = new Thread(this::copyOutput, "service-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code serving-monitor <role>} with {@code arguments} and waits until it prints
     * {@link #LISTENING_LINE}; its output is appended to {@code log}.
     *
     * @throws IllegalStateException with the output's tail when it exits or does not listen in time
     */
    public static ServiceProcess start(Role role, List<String> jvmOptions, List<String> arguments, Path log,
                                       Duration timeout) throws InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServingMonitor.class.getName(), role.command()));
        command.addAll(arguments);
        ServiceProcess started;
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            started = new ServiceProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
        try {
            started.awaitLine(LISTENING_LINE, timeout);
            return started;
        } catch (RuntimeException | InterruptedException e) {
            started.kill();
            throw e;
        }
    }

    private void copyOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write("=== pid " + process.pid() + " started\n");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.write(line);
                out.write('\n');
                out.flush();
                synchronized (outputLock) {
                    lines.add(line);
                    outputLock.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended, or the log cannot be written: the lines kept in memory still tell
        } finally {
            synchronized (outputLock) {
                outputLock.notifyAll();
            }
        }
    }

    private void awaitLine(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (outputLock) {
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (lines.get(checked).contains(fragment)) {
                        return;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && checked == lines.size()) {
                    break;
                }
                outputLock.wait(Math.max(1, Math.min(200, left / 1_000_000)));
            }
        }
        throw new IllegalStateException("no line containing '" + fragment + "' within " + timeout.toSeconds()
                + " s (alive: " + process.isAlive() + "); last output:\n" + tail(40));
    }

    /**
     * Waits until {@code GET /health} through {@code client} (pointed at this process) answers 200;
     * otherwise an {@link IllegalStateException} with the last answer and this process's last lines.
     */
    public void awaitHealthy(ServingClient client, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ServingClient.Reply last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = client.call("GET", "/health", null, null);
                if (last.status() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("not healthy within " + timeout.toSeconds() + " s: "
                + (last == null ? "no answer" : last.body()) + "\n" + tail(30));
    }

    /** A TCP port free on this machine now, for a process to listen on. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code n} lines of output. */
    public String tail(int n) {
        synchronized (outputLock) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        }
    }

    /** All output lines so far. */
    public List<String> output() {
        synchronized (outputLock) {
            return List.copyOf(lines);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone: nothing of it runs on (no hook, no flush, no leave-group). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        ALIVE.remove(process);
    }

    /** SIGTERM, as Ctrl-C or a service manager; true if it exited within {@code timeout}, else it is killed. */
    public boolean stop(Duration timeout) throws InterruptedException {
        process.destroy();
        boolean stopped = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!stopped) {
            kill();
        }
        ALIVE.remove(process);
        return stopped;
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        ALIVE.remove(process);
    }
}
