package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.topics.MetricType;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.servingmonitor.testkafka.KafkaFixture;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command a user runs, as a separate process: {@code serving-monitor standalone} with its
 * embedded broker and generated keys, stopped with SIGTERM or killed with SIGKILL, restarted on
 * the same data dir (same reads, keys and token secret), and refused with a plain message when
 * the topics do not match.
 */
class ServingMonitorProcessTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READS_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern KEY_PAIR = Pattern.compile("company default: access_key (\\S+)\\s+secret_key (\\S+)");

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    @TempDir
    Path dataDir;

    /** What LocalStateLayout logs when it removes the local state of another layout. */
    private static final String STATE_REBUILT = "every store is rebuilt from its changelog";

    @Test
    void standaloneServesWithGeneratedKeysAndKeepsReadsKeysAndTokenSecretAcrossASigtermStopAndAKill9() throws Exception {
        int port = freePort();

        ChildOutput first = start(port);
        String[] keys = keyPair(first);
        ServingClient basic = new ServingClient("http://127.0.0.1:" + port).withBasic(keys[0], keys[1]);
        awaitHealthy(basic);
        long fromSec = System.currentTimeMillis() / 1000 - 600;
        writeAFleet(basic);
        String token = basic.call("GET", "/auth.login", ServingClient.basic(keys[0], keys[1]), null)
                .data().path("token").asText();
        ServingClient bearer = new ServingClient("http://127.0.0.1:" + port);
        String bearerHeader = "Bearer " + token;
        // to_date fixed with the rest: the charts asked after each restart cover the same buckets.
        long toSec = System.currentTimeMillis() / 1000 + 60;
        Map<String, JsonNode> before = awaitStableReads(basic, fromSec, toSec);
        assertThat(before.get("serving.get_endpoints").path("endpoints")).as("the fleet is read").hasSize(2);
        assertThat(before.get("serving.get_loading_instances").path("instances")).hasSize(1);
        first.stopWithSigterm(STOP_TIMEOUT);

        ChildOutput afterSigterm = start(port);
        assertThat(keyPair(afterSigterm)).as("the same keys after SIGTERM").containsExactly(keys);
        awaitHealthy(basic);
        assertThat(awaitReads(basic, fromSec, toSec, before)).as("the same reads after SIGTERM").isEqualTo(before);
        assertThat(afterSigterm.lines()).as("the local state was kept, not rebuilt from the changelogs")
                .noneMatch(line -> line.contains(STATE_REBUILT));
        assertThat(bearer.call("GET", "/serving.get_endpoints", bearerHeader, "{}").status())
                .as("a token from before SIGTERM is still valid: the same token secret").isEqualTo(200);
        afterSigterm.kill(STOP_TIMEOUT);

        ChildOutput afterKill = start(port);
        assertThat(keyPair(afterKill)).as("the same keys after kill -9").containsExactly(keys);
        awaitHealthy(basic);
        assertThat(awaitReads(basic, fromSec, toSec, before)).as("the same reads after kill -9").isEqualTo(before);
        assertThat(afterKill.lines()).as("the local state was kept after kill -9 too").noneMatch(line -> line.contains(STATE_REBUILT));
        Reply withOldToken = bearer.call("GET", "/serving.get_endpoints", bearerHeader, "{}");
        assertThat(withOldToken.status()).as("a token from before kill -9 is still valid").isEqualTo(200);
        assertThat(withOldToken.data()).isEqualTo(before.get("serving.get_endpoints"));
        afterKill.stopWithSigterm(STOP_TIMEOUT);
    }

    /** Two urls with a container each (one with a machine-stats report), and a loading container. */
    private static void writeAFleet(ServingClient client) {
        List<String> writes = List.of(
                "serving.register_container", "{\"container_id\": \"k1\", \"endpoint_name\": \"ep\", \"model_name\": \"m\","
                        + " \"endpoint_url\": \"/keep/a\", \"timeout\": 3600}",
                "serving.register_container", "{\"container_id\": \"k2\", \"endpoint_name\": \"ep\", \"model_name\": \"m\","
                        + " \"endpoint_url\": \"/keep/b\", \"timeout\": 3600}",
                "serving.register_container", "{\"container_id\": \"k3\", \"endpoint_name\": \"loading\", \"model_name\": \"m\","
                        + " \"timeout\": 3600}",
                "serving.container_status_report", "{\"container_id\": \"k1\", \"endpoint_name\": \"ep\", \"model_name\": \"m\","
                        + " \"endpoint_url\": \"/keep/a\", \"uptime_sec\": 120, \"requests_num\": 1500, \"requests_min\": 42.5,"
                        + " \"latency_ms\": 17, \"machine_stats\": {\"cpu_usage\": [20, 40], \"gpu_usage\": [55],"
                        + " \"memory_used\": 2048, \"memory_free\": 6144, \"gpu_memory_used\": [1024], \"gpu_memory_free\": [3072],"
                        + " \"network_rx\": 1.5, \"network_tx\": 0.4}}",
                "serving.container_status_report", "{\"container_id\": \"k1\", \"endpoint_name\": \"ep\", \"model_name\": \"m\","
                        + " \"endpoint_url\": \"/keep/a\", \"uptime_sec\": 150, \"requests_num\": 1800, \"requests_min\": 40,"
                        + " \"latency_ms\": 21, \"machine_stats\": {\"cpu_usage\": [30, 50], \"gpu_usage\": [65]}}",
                "serving.container_status_report", "{\"container_id\": \"k2\", \"endpoint_name\": \"ep\", \"model_name\": \"m\","
                        + " \"endpoint_url\": \"/keep/b\", \"uptime_sec\": 30, \"requests_num\": 10, \"requests_min\": 2,"
                        + " \"latency_ms\": 5}");
        for (int i = 0; i < writes.size(); i += 2) {
            Reply reply = client.post(writes.get(i), writes.get(i + 1));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        }
    }

    /**
     * The data of every read action: the rows, the loading list (without {@code age_sec}, which
     * grows with the clock), each url's details and its charts of all 15 metrics.
     */
    private static Map<String, JsonNode> reads(ServingClient client, long fromSec, long toSec) {
        Map<String, JsonNode> reads = new TreeMap<>();
        reads.put("serving.get_endpoints", dataOf(client.get("serving.get_endpoints", "{}")));
        JsonNode loading = dataOf(client.get("serving.get_loading_instances", "{}"));
        loading.path("instances").forEach(instance -> ((ObjectNode) instance).remove("age_sec"));
        reads.put("serving.get_loading_instances", loading);
        for (String url : List.of("/keep/a", "/keep/b")) {
            reads.put("serving.get_endpoint_details " + url,
                    dataOf(client.get("serving.get_endpoint_details", "{\"endpoint_url\": \"" + url + "\"}")));
            for (MetricType metric : MetricType.values()) {
                reads.put("serving.get_endpoint_metrics_history " + url + " " + metric.apiName(),
                        dataOf(client.get("serving.get_endpoint_metrics_history", "{\"endpoint_url\": \"" + url
                                + "\", \"from_date\": " + fromSec + ", \"to_date\": " + toSec + ", \"interval\": 60,"
                                + " \"metric_type\": \"" + metric.apiName() + "\"}")));
            }
        }
        return reads;
    }

    private static JsonNode dataOf(Reply reply) {
        return reply.status() == 200 ? reply.data().deepCopy() : TextNode.valueOf("status " + reply.status());
    }

    /** The reads once the topology has processed every write: two reads in a row agree and show every url. */
    private static Map<String, JsonNode> awaitStableReads(ServingClient client, long fromSec, long toSec)
            throws InterruptedException {
        long deadline = System.nanoTime() + READS_TIMEOUT.toNanos();
        Map<String, JsonNode> previous = reads(client, fromSec, toSec);
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            Map<String, JsonNode> current = reads(client, fromSec, toSec);
            if (current.equals(previous) && current.get("serving.get_endpoints").path("endpoints").size() == 2
                    && current.get("serving.get_endpoint_details /keep/a").path("instances").path(0)
                            .path("requests").asLong() == 1800) {
                return current;
            }
            previous = current;
        }
        throw new AssertionError("the reads did not settle: " + previous);
    }

    /** The reads after a restart, once they equal {@code expected} (restore done) or after {@link #READS_TIMEOUT}. */
    private static Map<String, JsonNode> awaitReads(ServingClient client, long fromSec, long toSec,
                                                    Map<String, JsonNode> expected) throws InterruptedException {
        long deadline = System.nanoTime() + READS_TIMEOUT.toNanos();
        Map<String, JsonNode> current = reads(client, fromSec, toSec);
        while (!current.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            current = reads(client, fromSec, toSec);
        }
        return current;
    }

    @Test
    void topicsThatDifferFromTheDeclarationStopTheStartWithAPlainMessage() throws Exception {
        start(freePort()).stopWithSigterm(STOP_TIMEOUT);

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

    @Test
    void ingestAndQueryCommandsServeOneDeploymentOnAnExternalKafkaWithOptionsFromTheEnvironment() throws Exception {
        Path credentials = TestApps.credentials(dataDir.resolve("shared"), "proc-roles:pr-key:pr-secret");
        Path ingestDir = Files.createDirectories(dataDir.resolve("ingest-cwd"));
        Path queryDir = Files.createDirectories(dataDir.resolve("query-cwd"));
        int ingestPort = freePort();
        int queryPort = freePort();
        // Everything the nodes share comes from the environment, as a container platform would pass it.
        Map<String, String> env = Map.of(
                "SERVING_MONITOR_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
                "SERVING_MONITOR_CREDENTIALS", credentials.toString(),
                LauncherOptions.TOKEN_SECRET_ENV, TestApps.TOKEN_SECRET,
                "SERVING_MONITOR_APPLICATION_ID", KAFKA.uniqueName("proc-roles"));

        ChildOutput ingest = new ChildOutput(roleCommand("ingest", ingestDir, env, "--port", Integer.toString(ingestPort)).start());
        ChildOutput query = new ChildOutput(roleCommand("query", queryDir, env, "--port", Integer.toString(queryPort)).start());
        try {
            ingest.awaitLine("serving-monitor listening on", START_TIMEOUT);
            query.awaitLine("serving-monitor listening on", START_TIMEOUT);
            ServingClient toIngest = new ServingClient("http://127.0.0.1:" + ingestPort).withBasic("pr-key", "pr-secret");
            ServingClient toQuery = new ServingClient("http://127.0.0.1:" + queryPort).withBasic("pr-key", "pr-secret");

            Reply ingestHealth = toIngest.call("GET", "/health", null, null);
            assertThat(ingestHealth.status()).as("an ingest node is ready once Kafka answers: " + ingestHealth.body())
                    .isEqualTo(200);
            assertThat(ingestHealth.json().has("streams")).as("and runs no Kafka Streams").isFalse();
            assertThat(ok(toIngest.post("serving.register_container", "{\"container_id\": \"p1\", \"endpoint_name\": \"ep\","
                    + " \"model_name\": \"m\", \"endpoint_url\": \"/proc/roles\"}")).status()).isEqualTo(200);
            assertThat(toIngest.post("serving.get_endpoints", "{}").status()).as("no reads on an ingest node").isEqualTo(404);

            awaitHealthy(toQuery);
            Reply write = toQuery.post("serving.register_container", "{\"container_id\": \"p2\", \"endpoint_name\": \"ep\","
                    + " \"model_name\": \"m\", \"endpoint_url\": \"/proc/refused\"}");
            assertThat(write.status()).as(write.body()).isEqualTo(404);
            assertThat(write.resultMsg()).contains("ingest node");
            Reply endpoints = TestApps.eventually(READS_TIMEOUT, () -> toQuery.get("serving.get_endpoints", "{}"),
                    r -> r.status() == 200 && r.data().path("endpoints").findValuesAsText("url").contains("/proc/roles"));
            assertThat(endpoints.data().path("endpoints").findValuesAsText("url")).containsExactly("/proc/roles");

            assertThat(ingestDir.toFile().list()).as("the ingest node wrote nothing to disk (no state, no RocksDB)").isEmpty();
            assertThat(queryDir.resolve("data").resolve("streams")).as("the query node keeps its state in ./data/streams")
                    .isDirectory();
        } finally {
            query.stopWithSigterm(STOP_TIMEOUT);
            ingest.stopWithSigterm(STOP_TIMEOUT);
        }
    }

    @Test
    void roleCommandsRefuseMissingKafkaAndAWildcardHostWithoutAdvertisedHostWithOneLineAndExit2() throws Exception {
        Process noKafka = roleCommand("ingest", dataDir, Map.of()).start();
        assertThat(noKafka.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String noKafkaOutput = new String(noKafka.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        Process wildcard = roleCommand("query", dataDir, Map.of(LauncherOptions.TOKEN_SECRET_ENV, TestApps.TOKEN_SECRET),
                "--bootstrap-servers", "kafka-1:9092", "--credentials", "credentials", "--host", "0.0.0.0").start();
        assertThat(wildcard.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String wildcardOutput = new String(wildcard.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertThat(noKafka.exitValue()).isEqualTo(2);
        assertThat(noKafkaOutput).doesNotContain("\n")
                .isEqualTo("serving-monitor ingest needs --bootstrap-servers (or SERVING_MONITOR_BOOTSTRAP_SERVERS):"
                        + " it runs against an external Kafka");
        assertThat(wildcard.exitValue()).isEqualTo(2);
        assertThat(wildcardOutput).doesNotContain("\n").contains("--host 0.0.0.0", "--advertised-host",
                "SERVING_MONITOR_ADVERTISED_HOST");
    }

    /** {@code serving-monitor <role>} in {@code workDir}, with only {@code env} of the SERVING_MONITOR_ variables. */
    private static ProcessBuilder roleCommand(String role, Path workDir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                ServingMonitor.class.getName(), role));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith(LauncherOptions.ENV_PREFIX));
        builder.environment().putAll(env);
        return builder;
    }

    private static Reply ok(Reply reply) {
        return TestApps.ok(reply);
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

    private ProcessBuilder command(int port, String... extra) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                ServingMonitor.class.getName(), "standalone",
                "--port", Integer.toString(port), "--kafka-port", "0", "--data-dir", dataDir.toString()));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    private ChildOutput start(int port) throws IOException, InterruptedException {
        ChildOutput running = new ChildOutput(command(port).start());
        running.awaitLine("serving-monitor listening on", START_TIMEOUT);
        return running;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The access and secret key a first standalone start printed. */
    private static String[] keyPair(ChildOutput output) {
        List<String> lines = output.lines();
        for (String line : lines) {
            Matcher m = KEY_PAIR.matcher(line);
            if (m.find()) {
                return new String[] {m.group(1), m.group(2)};
            }
        }
        throw new AssertionError("no key pair printed; output was:\n" + String.join("\n", lines));
    }
}
