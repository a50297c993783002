package io.servingmonitor.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.topics.DeadLetter;
import io.servingmonitor.topics.Json;
import io.servingmonitor.topics.TopicSchemas;
import io.servingmonitor.topics.TopicSettings;
import io.servingmonitor.topics.TopicSpec;
import io.servingmonitor.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kcat example of {@code topics/README.md} (the shell blocks marked {@code # kcat-example: ID}),
 * run for real: the service, with its own embedded broker as {@code standalone} runs it, takes
 * writes over HTTP (two containers, status reports, an unregister) and a poison record goes
 * straight to {@code container-events}, so each topic holds real records (and only this test's:
 * the poison reaches no other test's broker); then each example runs with the README's broker
 * address replaced by that broker's, and its output must show what the README says of that topic (keys, values
 * valid against the JSON Schemas, tombstones after the unregister, the dead letter's headers and
 * key bytes). Skipped when kcat or jq is not installed ({@code .ci/run} installs both).
 */
class KcatExamplesTest {

    /** The broker address the README's examples use (the standalone default). */
    private static final String README_BROKER = "127.0.0.1:9092";
    /** The company the README's jq examples filter on. */
    private static final String COMPANY = "acme";
    private static final Pattern EXAMPLE = Pattern.compile("```sh\n(# kcat-example: (\\S+)\n.*?)```", Pattern.DOTALL);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final long WINDOW_MS = 10_000;
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @TempDir
    static Path dir;

    private static Map<String, String> examples;
    private static String missingTool;
    private static StandaloneApp app;
    private static String broker;
    private static long startedMs;
    private static String url;
    private static String serving;
    private static String loading;
    private static long windowStart;
    private static int reportsInWindow;
    private static String traceId;
    private static byte[] poisonKey;
    private static RecordMetadata poisonSent;

    @BeforeAll
    static void writeEveryTopic() throws Exception {
        examples = examples(Files.readString(ComposeFileTest.repositoryRoot().resolve("topics/README.md")));
        missingTool = !installed("kcat", "-V") ? "kcat is not installed (apt-get install -y kcat; .ci/run installs it)"
                : !installed("jq", "--version") ? "jq is not installed (apt-get install -y jq; .ci/run installs it)" : null;
        if (missingTool != null) {
            return;
        }
        startedMs = System.currentTimeMillis();
        Path credentials = TestApps.credentials(dir, COMPANY + ":kcat-key:kcat-secret");
        // As `./serving-monitor standalone` runs: with its own embedded broker, so the topics hold
        // only this test's records and the poison record below reaches no other test. No grace: a
        // 10 s window closes (and reaches metric-windows) with the first report after its end.
        app = StandaloneApp.start(LauncherOptions.parse(List.of("--port", "0", "--kafka-port", "0",
                "--data-dir", dir.resolve("data").toString(), "--credentials", credentials.toString(),
                "--token-secret", TestApps.TOKEN_SECRET, "--metric-grace", "0s", "--stream-threads", "1"), Map.of()),
                Clock.systemUTC(), System.out);
        assertThat(app.awaitRunning(PATIENCE)).as("Kafka Streams reached RUNNING").isTrue();
        broker = app.bootstrapServers();
        ServingClient client = new ServingClient(TestApps.baseUrl(app)).withBasic("kcat-key", "kcat-secret");
        url = "/serve/" + unique("kcat");
        serving = unique("serving");
        loading = unique("loading");

        TestApps.ok(client.post("serving.register_container", model(serving, url) + ", \"timeout\": 600}"));
        TestApps.ok(client.post("serving.register_container",
                "{\"container_id\": \"" + loading + "\", \"endpoint_name\": \"sentiment\", \"model_name\": \"bert\"}"));
        waitForRoomInOneWindow();
        TestApps.ok(client.post("serving.container_status_report", report(serving, url, 100, 10)));
        TestApps.ok(client.post("serving.container_status_report", report(serving, url, 200, 20)));
        // The window is that of the second report's own time (on a slow machine the first may
        // fall in the window before): it then holds one or both reports.
        List<Long> reportTimes = columns(run("container-events"), 5).stream()
                .filter(line -> line[3].equals(key("container_id", serving)))
                .map(line -> json(line[4]))
                .filter(event -> event.path("type").asText().equals("STATUS_REPORT"))
                .map(event -> event.path("timestamp_ms").asLong())
                .toList();
        assertThat(reportTimes).as("the two reports on container-events").hasSize(2);
        windowStart = reportTimes.get(1) / WINDOW_MS * WINDOW_MS;
        reportsInWindow = reportTimes.get(0) >= windowStart ? 2 : 1;
        Thread.sleep(Math.max(0, windowStart + WINDOW_MS + 300 - System.currentTimeMillis()));
        // A report after the window's end closes it; Kafka Streams checks for closed windows at
        // most once a second of wall-clock time, so on a busy machine it may take another one.
        TestApps.ok(client.post("serving.container_status_report", report(serving, url, 300, 30)));
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!closedWindowShown() && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            TestApps.ok(client.post("serving.container_status_report", report(serving, url, 300, 30)));
        }
        TestApps.ok(client.post("serving.unregister_container", "{\"container_id\": \"" + serving + "\"}"));

        traceId = unique("trace");
        poisonKey = ("\u0000" + traceId).getBytes(UTF_8);
        poisonKey[0] = (byte) 0xff; // not UTF-8, so surely no ContainerKey
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> poison = new ProducerRecord<>(Topics.CONTAINER_EVENTS, poisonKey, "not json {".getBytes(UTF_8));
            poison.headers().add("trace-id", traceId.getBytes(UTF_8));
            poisonSent = producer.send(poison).get(30, TimeUnit.SECONDS);
        }

        // Everything has reached its topic once the last output of each is there.
        awaitOutput("container-state", out -> out.contains(key("container_id", serving) + "\tNULL"));
        awaitOutput("endpoint-stats", out -> out.contains(key("url", url) + "\tNULL"));
        assertThat(closedWindowShown()).as("metric-windows shows the window of " + windowStart).isTrue();
        awaitOutput("container-events-dlq", out -> out.contains(traceId));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    // ---- the README itself (runs without kcat)

    @Test
    void everyOwnedTopicHasAnExampleAndEveryExampleIsOneThisTestChecks() {
        List<String> owned = Topics.owned(TopicSettings.singleBroker()).stream().map(TopicSpec::name).toList();

        assertThat(examples.keySet()).as("one example named after each owned topic").containsAll(owned);
        assertThat(examples.keySet()).as("examples this test runs").containsExactlyInAnyOrder("container-events",
                "container-state", "container-state/registry", "endpoint-stats", "metric-windows", "metric-windows/summary",
                "container-events-dlq", "container-events-dlq/key-bytes");
    }

    @Test
    void everyKcatCallOfTheExamplesReadsCommittedRecordsOfTheReadmeBroker() {
        for (Map.Entry<String, String> example : examples.entrySet()) {
            String[] calls = example.getValue().split("kcat -C ", -1);
            assertThat(calls.length).as(example.getKey() + " runs kcat").isGreaterThan(1);
            for (int i = 1; i < calls.length; i++) {
                String call = calls[i].split("\\|", 2)[0];
                assertThat(call).as(example.getKey() + " kcat call " + i)
                        .contains("-b " + README_BROKER, "-X isolation.level=read_committed", "-e");
            }
        }
    }

    // ---- each example on real records

    @Test
    void containerEventsExampleShowsEveryWriteKeyedByItsContainerWithSchemaValidValues() {
        List<String[]> lines = columns(run("container-events"), 5).stream()
                .filter(line -> line[3].equals(key("container_id", serving)) || line[3].equals(key("container_id", loading)))
                .toList();
        Schema keySchema = schema(TopicSchemas.keySchema(Topics.CONTAINER_EVENTS));
        Schema valueSchema = schema(TopicSchemas.valueSchema(Topics.CONTAINER_EVENTS));

        List<String> servingTypes = new ArrayList<>();
        long lastOffset = -1;
        for (String[] line : lines) {
            JsonNode key = json(line[3]);
            JsonNode value = json(line[4]);
            assertThat(keySchema.validate(key)).as(line[3]).isEmpty();
            assertThat(valueSchema.validate(value)).as(line[4]).isEmpty();
            assertThat(value.path("company").asText()).isEqualTo(key.path("company").asText());
            assertThat(value.path("container_id").asText()).isEqualTo(key.path("container_id").asText());
            assertThat(Long.parseLong(line[2])).as("record timestamp").isBetween(startedMs, System.currentTimeMillis());
            if (key.path("container_id").asText().equals(serving)) {
                servingTypes.add(value.path("type").asText());
                assertThat(Long.parseLong(line[1])).as("a container's events in order on one partition").isGreaterThan(lastOffset);
                lastOffset = Long.parseLong(line[1]);
            }
        }
        assertThat(servingTypes.get(0)).isEqualTo("REGISTER");
        assertThat(servingTypes.get(servingTypes.size() - 1)).isEqualTo("UNREGISTER");
        assertThat(servingTypes.subList(1, servingTypes.size() - 1)).as("the status reports between")
                .hasSizeGreaterThanOrEqualTo(3).containsOnly("STATUS_REPORT");
        assertThat(lines.stream().filter(line -> line[3].equals(key("container_id", serving))).map(line -> line[0]).distinct())
                .as("one partition per container").hasSize(1);
        assertThat(lines).filteredOn(line -> line[3].equals(key("container_id", loading))).hasSize(1);
    }

    @Test
    void containerStateExampleShowsEachChangeAndATombstoneAfterTheUnregister() {
        List<String[]> lines = columns(run("container-state"), 2);
        Schema keySchema = schema(TopicSchemas.keySchema(Topics.CONTAINER_STATE));
        Schema valueSchema = schema(TopicSchemas.valueSchema(Topics.CONTAINER_STATE));
        List<String[]> servingLines = lines.stream().filter(line -> line[0].equals(key("container_id", serving))).toList();
        List<String[]> loadingLines = lines.stream().filter(line -> line[0].equals(key("container_id", loading))).toList();

        assertThat(servingLines).as("register, at least three reports, tombstone").hasSizeGreaterThanOrEqualTo(5);
        String[] last = servingLines.get(servingLines.size() - 1);
        assertThat(last[1]).as("the last record of the unregistered container").isEqualTo("NULL");
        List<String[]> changes = servingLines.subList(0, servingLines.size() - 1);
        for (String[] line : changes) {
            assertThat(keySchema.validate(json(line[0]))).isEmpty();
            assertThat(valueSchema.validate(json(line[1]))).as(line[1]).isEmpty();
            assertThat(json(line[1]).path("model").path("endpoint_url").asText()).isEqualTo(url);
        }
        assertThat(json(changes.get(changes.size() - 1)[1]).path("load").path("requests_num").asLong()).isEqualTo(300);
        assertThat(loadingLines).hasSize(1);
        assertThat(valueSchema.validate(json(loadingLines.get(0)[1]))).isEmpty();
        assertThat(json(loadingLines.get(0)[1]).path("model").has("endpoint_url")).as("still loading: no url").isFalse();
    }

    @Test
    void containerStateRegistryExampleHoldsTheLiveContainerAndNotTheUnregisteredOne() {
        String output = run("container-state/registry");
        List<String> lines = output.lines().toList();

        assertThat(lines).as(output).hasSize(1);
        JsonNode registry = json(lines.get(0));
        assertThat(registry.has(serving)).as("unregistered: its tombstone removed it").isFalse();
        assertThat(registry.has(loading)).isTrue();
        assertThat(schema(TopicSchemas.valueSchema(Topics.CONTAINER_STATE)).validate(registry.get(loading))).isEmpty();
        registry.fields().forEachRemaining(entry ->
                assertThat(entry.getValue().path("company").asText()).as(entry.getKey()).isEqualTo(COMPANY));
    }

    @Test
    void endpointStatsExampleShowsTheRowsAndATombstoneOnceTheUrlHasNoContainerLeft() {
        List<String[]> lines = columns(run("endpoint-stats"), 2).stream()
                .filter(line -> line[0].equals(key("url", url))).toList();
        Schema keySchema = schema(TopicSchemas.keySchema(Topics.ENDPOINT_STATS));
        Schema valueSchema = schema(TopicSchemas.valueSchema(Topics.ENDPOINT_STATS));

        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines.get(lines.size() - 1)[1]).as("the url's last record").isEqualTo("NULL");
        List<JsonNode> rows = lines.subList(0, lines.size() - 1).stream().map(line -> json(line[1])).toList();
        assertThat(keySchema.validate(json(lines.get(0)[0]))).isEmpty();
        assertThat(rows).allSatisfy(row -> {
            assertThat(valueSchema.validate(row)).as(row.toString()).isEmpty();
            assertThat(row.path("url").asText()).isEqualTo(url);
            assertThat(row.path("instances").asInt()).as("the loading container belongs to no endpoint").isEqualTo(1);
        });
        assertThat(rows.get(rows.size() - 1).path("requests").asLong()).isEqualTo(300);
    }

    @Test
    void metricWindowsExampleShowsTheClosedWindowOfTheContainerValidAgainstItsSchema() {
        List<String[]> lines = columns(run("metric-windows"), 2).stream()
                .filter(line -> line[0].equals(key("url", url))).toList();
        Schema keySchema = schema(TopicSchemas.keySchema(Topics.METRIC_WINDOWS));
        Schema valueSchema = schema(TopicSchemas.valueSchema(Topics.METRIC_WINDOWS));

        assertThat(lines).isNotEmpty();
        for (String[] line : lines) {
            JsonNode window = json(line[1]);
            assertThat(keySchema.validate(json(line[0]))).isEmpty();
            assertThat(valueSchema.validate(window)).as(line[1]).isEmpty();
            assertThat(window.path("url").asText()).isEqualTo(url);
            assertThat(window.path("aggregate").path("containers").size()).as("one container per record").isEqualTo(1);
        }
        JsonNode closed = lines.stream().map(line -> json(line[1]))
                .filter(w -> w.path("resolution_sec").asLong() == 10 && w.path("window_start_ms").asLong() == windowStart)
                .findFirst().orElseThrow(() -> new AssertionError("no 10 s window starting at " + windowStart));
        JsonNode requests = closed.path("aggregate").path("containers").path(serving).path("metrics").path("requests");
        assertThat(requests.path("count").asLong()).isEqualTo(reportsInWindow);
        assertThat(requests.path("max").asDouble()).isEqualTo(200.0);
        assertThat(closed.path("window_end_ms").asLong()).isEqualTo(windowStart + WINDOW_MS);
    }

    @Test
    void metricWindowsSummaryExampleGivesTheWindowsStartContainerReportsRequestsAndMeanLatency() {
        List<JsonNode> lines = run("metric-windows/summary").lines().map(KcatExamplesTest::json)
                .filter(line -> line.path("url").asText().equals(url)
                        && line.path("start").asText().equals(Instant.ofEpochMilli(windowStart).toString()))
                .toList();

        assertThat(lines).as("the closed 10 s window, once").hasSize(1);
        JsonNode summary = lines.get(0);
        assertThat(summary.path("container").asText()).isEqualTo(serving);
        assertThat(summary.path("reports").asLong()).isEqualTo(reportsInWindow);
        assertThat(summary.path("requests").asLong()).isEqualTo(200);
        assertThat(summary.path("latency_ms").asDouble()).as("mean of 10 and 20, or 20 alone")
                .isEqualTo(reportsInWindow == 2 ? 15.0 : 20.0);
    }

    @Test
    void deadLetterExampleShowsTheOriginalHeaderFirstThenReasonAndSource() {
        List<JsonNode> letters = run("container-events-dlq").lines().map(KcatExamplesTest::json)
                .filter(line -> line.path("headers").path("trace-id").asText().equals(traceId)).toList();

        assertThat(letters).hasSize(1);
        JsonNode headers = letters.get(0).path("headers");
        assertThat(headers.fieldNames().next()).as("the original record's headers come first").isEqualTo("trace-id");
        assertThat(headers.path(DeadLetter.REASON).asText()).isEqualTo(DeadLetter.Reason.BAD_KEY.label());
        assertThat(headers.path(DeadLetter.SOURCE_TOPIC).asText()).isEqualTo(Topics.CONTAINER_EVENTS);
        assertThat(headers.path(DeadLetter.SOURCE_PARTITION).asText()).isEqualTo(Integer.toString(poisonSent.partition()));
        assertThat(headers.path(DeadLetter.SOURCE_OFFSET).asText()).isEqualTo(Long.toString(poisonSent.offset()));
        assertThat(headers.path(DeadLetter.EXCEPTION).asText()).isNotBlank();
        assertThat(headers.path(DeadLetter.EXCEPTION_MESSAGE).asText()).isNotBlank();
        assertThat(letters.get(0).path("value").asText()).isEqualTo("not json {");
    }

    @Test
    void deadLetterKeyBytesExampleShowsTheOriginalKeyExactlyInHex() {
        String output = run("container-events-dlq/key-bytes");
        String hex = HexFormat.of().formatHex(poisonKey);
        List<String[]> lines = columns(output, 3).stream().filter(line -> line[2].equals(hex)).toList();

        assertThat(lines).as("the poison key, byte for byte (0xff first, not UTF-8)").hasSize(1);
        assertThat(Integer.parseInt(lines.get(0)[0])).isNotNegative();
        assertThat(Long.parseLong(lines.get(0)[1])).isNotNegative();
    }

    // ---- helpers

    /** The marked shell blocks of the README by their id, in order. */
    private static Map<String, String> examples(String readme) {
        Map<String, String> found = new LinkedHashMap<>();
        Matcher matcher = EXAMPLE.matcher(readme);
        while (matcher.find()) {
            assertThat(found.put(matcher.group(2), matcher.group(1))).as("example " + matcher.group(2) + " once").isNull();
        }
        return found;
    }

    /** Runs the example {@code id} against the test broker and returns what it printed; it must succeed. */
    private static String run(String id) {
        assumeTrue(missingTool == null, missingTool);
        String script = examples.get(id);
        assertThat(script).as("example " + id + " in topics/README.md").isNotNull().contains(README_BROKER);
        try {
            Path stderr = Files.createTempFile(dir, "kcat", ".err");
            Process process = new ProcessBuilder("bash", "-c", "set -euo pipefail\n"
                    + script.replace(README_BROKER, broker))
                    .redirectError(stderr.toFile())
                    .start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(id + " finished").isTrue();
            assertThat(process.exitValue()).as(id + " exit status; stderr: " + Files.readString(stderr)).isZero();
            return new String(out, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean closedWindowShown() {
        String out = run("metric-windows");
        return out.contains(key("url", url)) && out.contains("\"window_start_ms\":" + windowStart);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void awaitOutput(String id, Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String output = run(id);
        while (!done.test(output) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            output = run(id);
        }
        assertThat(done.test(output)).as("example %s never showed the expected record; last output:%n%s", id, output).isTrue();
    }

    /**
     * The output's lines of {@code count} tab-separated columns. Other lines are left out: a record
     * another test of this JVM wrote straight to container-events may hold any bytes, line breaks
     * and tabs included, while the records this test looks for are all one line.
     */
    private static List<String[]> columns(String output, int count) {
        return output.lines().map(line -> line.split("\t", -1)).filter(line -> line.length == count).toList();
    }

    /** A key of company {@link #COMPANY} as the topics carry it (see {@code KeyJson}). */
    private static String key(String field, String value) {
        return "{\"company\":\"" + COMPANY + "\",\"" + field + "\":\"" + value + "\"}";
    }

    private static Schema schema(String resource) {
        return SCHEMAS.getSchema(SchemaLocation.of("classpath:" + resource));
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static String model(String containerId, String endpointUrl) {
        return "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"sentiment\", \"model_name\": \"bert\", "
                + "\"endpoint_url\": \"" + endpointUrl + "\"";
    }

    private static String report(String containerId, String endpointUrl, long requests, double latencyMs) {
        return model(containerId, endpointUrl) + ", \"uptime_sec\": 60, \"requests_num\": " + requests
                + ", \"requests_min\": 5.5, \"latency_ms\": " + latencyMs
                + ", \"machine_stats\": {\"cpu_usage\": [20, 40], \"memory_used\": 2048, \"memory_free\": 6144}}";
    }

    /** Waits for the next 10 s window when less than 5 s of the current one are left. */
    private static void waitForRoomInOneWindow() throws InterruptedException {
        long into = System.currentTimeMillis() % WINDOW_MS;
        if (into > WINDOW_MS - 5_000) {
            Thread.sleep(WINDOW_MS - into + 50);
        }
    }

    private static boolean installed(String tool, String versionFlag) {
        try {
            Process probe = new ProcessBuilder(tool, versionFlag).redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
