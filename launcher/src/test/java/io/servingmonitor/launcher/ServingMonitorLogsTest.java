package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.testkafka.KafkaFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command prints about itself: {@code --version}, the log lines in text and in JSON, the
 * level of {@code --log-level}, and the progress lines of a start (broker ready, Kafka reachable,
 * listening, ready), each run as a separate process as a user runs it.
 */
class ServingMonitorLogsTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String TOKEN_SECRET = "a-token-secret-for-the-logs-test-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Today's text line: ISO timestamp with offset, level, short logger name, message. */
    private static final Pattern TEXT_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} (TRACE|DEBUG|INFO|WARN|ERROR) ([A-Za-z0-9_$]+) - .*");

    /** A logged exception's lines below its event: the exception, its frames and causes. */
    private static final Pattern STACK_TRACE_LINE = Pattern.compile("(\\s+at |\\s+\\.\\.\\. |Caused by: |[a-z][\\w.$]*(Exception|Error)\\b).*");

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    @TempDir
    Path dir;

    @Test
    void versionPrintsTheProjectVersionAndExitsZeroAloneAndAfterAnyRole() throws Exception {
        String expected = "serving-monitor " + projectVersion();
        for (List<String> args : List.of(List.of("--version"), List.of("standalone", "--version"),
                List.of("ingest", "--port", "1", "--version"), List.of("query", "--version"))) {
            Process process = java(args).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits: %s", args).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(process.exitValue()).as("exit code of %s", args).isZero();
            assertThat(output.strip()).as("output of %s", args).isEqualTo(expected);
        }
    }

    @Test
    void aBadLogFormatOrLevelIsRefusedNamingTheFlagOrVariable() throws Exception {
        assertThatThrownBy(() -> LauncherOptions.parse(List.of("--log-format", "xml"), Map.of()))
                .hasMessageContaining("--log-format").hasMessageContaining("text or json").hasMessageContaining("'xml'");
        assertThatThrownBy(() -> LauncherOptions.parse(Role.QUERY, List.of(),
                Map.of("SERVING_MONITOR_LOG_FORMAT", "yaml", "SERVING_MONITOR_BOOTSTRAP_SERVERS", "k:9092")))
                .hasMessageContaining("SERVING_MONITOR_LOG_FORMAT").hasMessageContaining("'yaml'");
        assertThatThrownBy(() -> LauncherOptions.parse(List.of("--log-level", "loud"), Map.of()))
                .hasMessageContaining("--log-level").hasMessageContaining("'loud'");
        assertThat(LauncherOptions.parse(Role.INGEST, List.of("--log-format", "json", "--log-level", "debug"),
                Map.of("SERVING_MONITOR_BOOTSTRAP_SERVERS", "k:9092", "SERVING_MONITOR_CREDENTIALS", "c",
                        "SERVING_MONITOR_TOKEN_SECRET", TOKEN_SECRET)))
                .satisfies(o -> {
                    assertThat(o.logFormat()).isEqualTo(LogSetup.Format.JSON);
                    assertThat(o.logLevel()).contains(org.slf4j.event.Level.DEBUG);
                });

        Process process = java(List.of("standalone", "--log-format", "xml")).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output.strip()).isEqualTo("--log-format must be text or json, not 'xml'");
    }

    @Test
    void textLogsArePlainLinesAndAStandaloneStartLogsBrokerReadyKafkaReachableListeningAndReadyInOrder() throws Exception {
        int port = freePort();
        List<String> lines = runStandaloneUntilReady(port);

        assertThat(lines).as("every line is a text log line (or the stack trace of one)")
                .allMatch(line -> TEXT_LINE.matcher(line).matches() || STACK_TRACE_LINE.matcher(line).matches());
        assertThat(lines).as("no line is JSON").noneMatch(line -> line.startsWith("{"));
        assertThat(lines.get(0)).as("the first line names the version")
                .contains("INFO ServingMonitor - serving-monitor " + projectVersion() + " starting: standalone");
        List<String> progress = new ArrayList<>();
        for (String line : lines) {
            Matcher m = TEXT_LINE.matcher(line);
            if (m.matches() && m.group(1).equals("INFO")
                    && (m.group(2).equals("EmbeddedKafkaBroker") || m.group(2).equals("StartProgress"))) {
                progress.add(line.substring(line.indexOf(" - ") + 3));
            }
        }
        assertThat(progress).hasSize(4);
        assertThat(progress.get(0)).matches("Embedded Kafka broker at 127\\.0\\.0\\.1:\\d+ .*ready in \\d+ ms");
        assertThat(progress.get(1)).matches("Kafka at 127\\.0\\.0\\.1:\\d+ reachable.*");
        assertThat(progress.get(2)).startsWith("serving-monitor listening on http://127.0.0.1:" + port + " (standalone, Kafka ");
        assertThat(progress.get(3)).matches("ready: standalone in \\d+ ms since start \\(writes and reads\\)");
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithTimestampLevelLoggerAndMessage() throws Exception {
        int port = freePort();
        List<String> lines = runStandaloneUntilReady(port, "--log-format", "json");

        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.isObject()).as(line).isTrue();
            assertThat(event.path("timestamp").isIntegralNumber()).as(line).isTrue();
            assertThat(event.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(event.path("loggerName").asText()).as(line).isNotEmpty();
            assertThat(event.has("formattedMessage")).as(line).isTrue();
            events.add(event);
        }
        assertThat(events.get(0).path("formattedMessage").asText())
                .isEqualTo("serving-monitor " + projectVersion() + " starting: standalone (Java " + Runtime.version() + ")");
        assertThat(events).extracting(e -> e.path("formattedMessage").asText())
                .anyMatch(m -> m.startsWith("serving-monitor listening on http://127.0.0.1:" + port))
                .anyMatch(m -> m.startsWith("ready: standalone in "));
        assertThat(events).filteredOn(e -> e.path("loggerName").asText().startsWith("org.apache.kafka"))
                .as("Kafka at warn").allMatch(e -> List.of("WARN", "ERROR").contains(e.path("level").asText()));
    }

    @Test
    void logLevelWarnLeavesOutTheServicesInfoLines() throws Exception {
        int port = freePort();
        Process process = ingest(port, System.getProperty("java.class.path"), "shared", "--log-level", "warn").start();
        ChildOutput output = new ChildOutput(process);
        assertThat(awaitHealthy(process, port)).as("the ingest node answers /health/write 200").isTrue();
        List<String> lines = output.stopWithSigterm(STOP_TIMEOUT);

        assertThat(lines).as("no info line of ours at --log-level warn").noneMatch(line -> line.contains(" INFO "));
    }

    /**
     * The bench and fault harnesses run the launcher on their own class path, with slf4j-simple and
     * without Logback (an optional dependency of the launcher): there it must start and serve, and
     * only refuse what needs Logback, with a message, never fail on a missing class.
     */
    @Test
    void withoutLogbackOnTheClassPathANodeStartsAndServesAndOnlyJsonLogsAreRefusedNamingLogback() throws Exception {
        String classPath = System.getProperty("java.class.path");
        String withoutLogback = String.join(java.io.File.pathSeparator, java.util.Arrays.stream(
                classPath.split(java.io.File.pathSeparator)).filter(entry -> !entry.contains("logback")).toList());
        assertThat(withoutLogback).as("this JVM's class path had Logback on it, and the child's has not").isNotEqualTo(classPath);
        int port = freePort();
        Process process = ingest(port, withoutLogback, "nologback").start();
        ChildOutput output = new ChildOutput(process);
        boolean served = awaitHealthy(process, port);
        List<String> lines = output.stopWithSigterm(STOP_TIMEOUT);
        assertThat(served).as("the ingest node answers /health/write 200; its output: %s", lines).isTrue();
        assertThat(lines).noneMatch(line -> line.contains("NoClassDefFoundError"));

        Process refused = ingest(freePort(), withoutLogback, "nologback", "--log-format", "json").start();
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String message = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(refused.exitValue()).as(message).isEqualTo(2);
        assertThat(message).contains("--log-format json and --log-level need Logback (logback-classic) on the class path");
    }

    @Test
    void theJsonEncoderWritesTheExceptionOfAnEvent() throws Exception {
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        var encoder = LogbackSetup.jsonEncoder(context);
        LoggingEvent event = new LoggingEvent(ServingMonitorLogsTest.class.getName(), context.getLogger("io.servingmonitor.x"),
                Level.ERROR, "could not {}", new IllegalStateException("broken", new IOException("disk")), new Object[] {"start"});

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("ERROR");
        assertThat(json.path("loggerName").asText()).isEqualTo("io.servingmonitor.x");
        assertThat(json.path("formattedMessage").asText()).isEqualTo("could not start");
        assertThat(json.path("throwable").path("className").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(json.path("throwable").path("message").asText()).isEqualTo("broken");
        assertThat(json.path("throwable").path("cause").path("message").asText()).isEqualTo("disk");
        assertThat(json.has("message")).as("the unformatted pattern is left out").isFalse();
    }

    /**
     * {@code ingest --port port extra} on {@code classPath}, on the test broker, with a key file in
     * {@code keysDir} (under the test's directory) and the token secret from the environment.
     */
    private ProcessBuilder ingest(int port, String classPath, String keysDir, String... extra) throws IOException {
        Path credentials = TestApps.credentials(dir.resolve(keysDir), "logs:logs-key:logs-secret");
        List<String> args = new ArrayList<>(List.of("ingest", "--port", Integer.toString(port)));
        args.addAll(List.of(extra));
        ProcessBuilder builder = java(args, classPath);
        builder.environment().put("SERVING_MONITOR_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        builder.environment().put("SERVING_MONITOR_CREDENTIALS", credentials.toString());
        builder.environment().put("SERVING_MONITOR_TOKEN_SECRET", TOKEN_SECRET);
        return builder;
    }

    /** Polls {@code /health/write} until it answers 200, the process ends or {@link #START_TIMEOUT}; whether it answered 200. */
    private static boolean awaitHealthy(Process process, int port) throws InterruptedException {
        ServingClient client = new ServingClient("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!healthy(client) && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return healthy(client);
    }

    private static boolean healthy(ServingClient client) {
        try {
            return client.call("GET", "/health/write", null, null).status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Standalone on its embedded broker (keys and secret given, so nothing else is printed) until ready, then SIGTERM. */
    private List<String> runStandaloneUntilReady(int port, String... extra) throws Exception {
        Path credentials = TestApps.credentials(dir.resolve("keys"), "logs:logs-key:logs-secret");
        List<String> args = new ArrayList<>(List.of("standalone", "--port", Integer.toString(port), "--kafka-port", "0",
                "--data-dir", dir.resolve("data").toString(), "--credentials", credentials.toString(),
                "--stream-threads", "1"));
        args.addAll(List.of(extra));
        ProcessBuilder builder = java(args);
        builder.environment().put("SERVING_MONITOR_TOKEN_SECRET", TOKEN_SECRET);
        ChildOutput output = new ChildOutput(builder.start());
        output.awaitLine("ready: standalone", START_TIMEOUT);
        return output.stopWithSigterm(STOP_TIMEOUT);
    }

    /** {@code java -cp <this class path> ServingMonitor args}, with no SERVING_MONITOR_ variable of this JVM, output merged. */
    private static ProcessBuilder java(List<String> args) {
        return java(args, System.getProperty("java.class.path"));
    }

    /** As {@link #java(List)}, on {@code classPath}. */
    private static ProcessBuilder java(List<String> args, String classPath) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath,
                ServingMonitor.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith(LauncherOptions.ENV_PREFIX));
        return builder;
    }

    /** The version this build has: the parent version in launcher/pom.xml. */
    private static String projectVersion() throws IOException {
        String pom = Files.readString(ComposeFileTest.repositoryRoot().resolve("launcher/pom.xml"));
        Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(pom);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
