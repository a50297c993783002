package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process of a test (the service's command line) and the lines it prints, collected as
 * they come by a thread of their own, up to its end of output.
 */
final class ChildOutput {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    ChildOutput(Process process) {
        this.process = process;
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Waits until a line containing {@code fragment} was printed; otherwise (the time is up, or the
     * process ended without it) kills the process and fails with its output.
     */
    void awaitLine(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (lines.stream().noneMatch(line -> line.contains(fragment))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    process.destroyForcibly();
                    throw new AssertionError("no line containing '" + fragment + "'; output was:\n"
                            + String.join("\n", lines));
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }

    /** Every line printed so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * SIGTERM (as Ctrl-C or a service manager would), expecting a clean stop within {@code timeout};
     * then every line printed until the process ended.
     */
    List<String> stopWithSigterm(Duration timeout) throws InterruptedException {
        process.destroy();
        boolean stopped = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!stopped) {
            process.destroyForcibly();
        }
        assertThat(stopped).as("stopped within %s of SIGTERM", timeout).isTrue();
        return linesToTheEnd();
    }

    /** SIGKILL: no shutdown hook runs, neither the service's nor its embedded broker's; then every line printed. */
    List<String> kill(Duration timeout) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)).as("killed").isTrue();
        return linesToTheEnd();
    }

    private List<String> linesToTheEnd() throws InterruptedException {
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return lines();
    }
}
