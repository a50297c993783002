package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command a user runs, as a separate process: {@code serving-monitor standalone} with its
 * embedded broker and generated keys, stopped with SIGTERM, restarted on the same data dir, and
 * refused with a plain message when the topics do not match.
 */
class ServingMonitorProcessTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern KEY_PAIR = Pattern.compile("company default: access_key (\\S+)\\s+secret_key (\\S+)");

    @TempDir
    Path dataDir;

    @Test
    void standaloneServesWithGeneratedKeysStopsOnSigtermAndKeepsDataAcrossRestart() throws Exception {
        int port = freePort();
        String baseUrl = "http://127.0.0.1:" + port;

        Running first = start(port);
        String[] keys = first.keyPair();
        ServingClient client = new ServingClient(baseUrl).withBasic(keys[0], keys[1]);
        awaitHealthy(client);
        assertThat(client.post("serving.register_container", "{\"container_id\": \"p1\", \"endpoint_name\": \"ep\","
                + " \"model_name\": \"m\", \"endpoint_url\": \"/p\"}").status()).isEqualTo(200);
        awaitEndpoints(client, 1);
        first.stopWithSigterm();

        Running second = start(port);
        assertThat(second.keyPair()).as("the generated keys are kept in the data dir").containsExactly(keys);
        awaitEndpoints(client, 1);
        second.stopWithSigterm();
    }

    @Test
    void topicsThatDifferFromTheDeclarationStopTheStartWithAPlainMessage() throws Exception {
        start(freePort()).stopWithSigterm();

        Process process = command(freePort(), "--partitions", "3").start();
        assertThat(process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("could not start", "container-events", "partitions 6, expected 3");
        // The embedded broker, stopped a moment after it started, may log its own shutdown races
        // (KRaft's group coordinator rejecting metadata updates once closed); what this start says is plain.
        String message = output.substring(output.indexOf("serving-monitor could not start"));
        assertThat(message).doesNotContain("\tat ", "Exception");
        assertThat(output).doesNotContain("\tat io.servingmonitor", "Exception in thread");
    }

    /** /health answers 503 until Kafka Streams has finished its first rebalance, then 200. */
    private static void awaitHealthy(ServingClient client) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Reply reply = client.call("GET", "/health", null, null);
        while (reply.status() != 200 && System.nanoTime() < deadline) {
            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.json().path("status").asText()).as("/health says what is not ready").isEqualTo("unavailable");
            Thread.sleep(200);
            reply = client.call("GET", "/health", null, null);
        }
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().path("streams").asText()).isEqualTo("RUNNING");
    }

    @Test
    void takenKafkaPortStopsTheStartWithAPlainMessageNamingTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<String> command = new ArrayList<>(command(freePort()).command());
            command.set(command.indexOf("--kafka-port") + 1, Integer.toString(taken.getLocalPort()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertThat(process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(output).contains("could not start", "port " + taken.getLocalPort(), "--kafka-port");
            assertThat(output).doesNotContain("\tat ");
        }
    }

    private static void awaitEndpoints(ServingClient client, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Reply reply = client.get("serving.get_endpoints", "{}");
        while (reply.data().path("endpoints").size() != expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            reply = client.get("serving.get_endpoints", "{}");
        }
        assertThat(reply.data().path("endpoints")).as(reply.body()).hasSize(expected);
    }

    private ProcessBuilder command(int port, String... extra) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                ServingMonitor.class.getName(), "standalone",
                "--port", Integer.toString(port), "--kafka-port", "0", "--data-dir", dataDir.toString()));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    private Running start(int port) throws IOException, InterruptedException {
        Running running = new Running(command(port).start());
        running.awaitLine("serving-monitor listening on", START_TIMEOUT);
        return running;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A started process whose output lines are collected as they come. */
    private static final class Running {

        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();

        Running(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "process-output");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitLine(String fragment, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                    if (line.contains(fragment)) {
                        return;
                    }
                }
                if (line == null && !process.isAlive()) {
                    break;
                }
            }
            process.destroyForcibly();
            throw new AssertionError("no line containing '" + fragment + "'; output was:\n" + String.join("\n", seen));
        }

        String[] keyPair() {
            for (String line : seen) {
                Matcher m = KEY_PAIR.matcher(line);
                if (m.find()) {
                    return new String[] {m.group(1), m.group(2)};
                }
            }
            throw new AssertionError("no key pair printed; output was:\n" + String.join("\n", seen));
        }

        /** Sends SIGTERM (as Ctrl-C or a service manager would) and expects a clean stop in time. */
        void stopWithSigterm() throws InterruptedException {
            process.destroy();
            boolean stopped = process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!stopped) {
                process.destroyForcibly();
            }
            assertThat(stopped).as("stopped within %s of SIGTERM", STOP_TIMEOUT).isTrue();
            lines.drainTo(seen);
        }
    }
}
