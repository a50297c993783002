package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.testkafka.KafkaFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code deploy/nginx.conf} for real: Debian's nginx, started with that file (only its
 * upstream servers and listen address replaced by the test's), in front of two serving-monitor
 * processes on a real broker, one as the {@code ingest} upstream and one as the {@code query}
 * upstream. Where each call lands is read from the nodes' own request counters ({@code /metrics},
 * per action): writes and {@code auth.login} on the ingest node, reads and unknown paths on the
 * query node, in every path form the service accepts; {@code /internal/*} and {@code /metrics}
 * answered 404 by nginx itself; a write then reads through the one URL return its data. Skipped
 * where nginx is not installed ({@code .ci/run} installs it).
 */
@Timeout(300)
class NginxFrontTest {

    private static final String COMPANY = "front-co";
    private static final String KEY = "front-key";
    private static final String SECRET = "front-secret";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration PROCESSING = Duration.ofSeconds(60);

    /** As the ingest and query APIs define them: a new action fails here until its body below is written. */
    private static final List<String> WRITE_ACTIONS = LauncherCommand.writeActions();
    private static final List<String> READ_ACTIONS = LauncherCommand.readActions();
    private static final Pattern REQUEST_COUNT = Pattern.compile(
            "(?m)^http_server_requests_seconds_count\\{([^}]*)}\\s+(\\S+)$");
    private static final Pattern ACTION_LABEL = Pattern.compile("\\baction=\"([^\"]*)\"");

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    @TempDir
    static Path dir;

    private static Node ingest;
    private static Node query;
    private static Process nginx;
    private static String front;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ServingClient client;

    @BeforeAll
    static void startNodesBehindNginx() throws Exception {
        assumeTrue(nginxInstalled(), "nginx is not installed (apt-get install -y nginx): deploy/nginx.conf not run");
        Path credentials = TestApps.credentials(dir, COMPANY + ":" + KEY + ":" + SECRET);
        String applicationId = KAFKA.uniqueName("nginx-front");
        ingest = Node.start("ingest", applicationId, credentials);
        query = Node.start("query", applicationId, credentials);
        ingest.awaitHealthy();
        query.awaitHealthy();

        int port = freePort();
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.writeString(prefix.resolve("nginx.conf"), loopbackConfig(prefix, port,
                Map.of("ingest", ingest.port, "query", query.port)));
        nginx = new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(),
                "-g", "daemon off; master_process off; pid " + prefix.resolve("nginx.pid") + "; error_log "
                        + prefix.resolve("error.log") + ";")
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        front = "http://127.0.0.1:" + port;
        awaitListening(port);
    }

    @BeforeEach
    void frontClient() {
        client = new ServingClient(front).withBasic(KEY, SECRET);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        for (Node node : new Node[] {ingest, query}) {
            if (node != null) {
                node.stop();
            }
        }
    }

    /**
     * deploy/nginx.conf as shipped, with each upstream's servers replaced by the test's node for it
     * and the listen address by a free loopback port (plus temp paths inside the test's prefix).
     */
    static String loopbackConfig(Path prefix, int listenPort, Map<String, Integer> upstreamPorts) throws IOException {
        String shipped = Files.readString(ComposeFileTest.repositoryRoot().resolve("deploy/nginx.conf"));
        Matcher upstream = Pattern.compile("(upstream\\s+(\\S+)\\s*\\{)([^}]*)}").matcher(shipped);
        StringBuilder config = new StringBuilder();
        List<String> seen = new ArrayList<>();
        while (upstream.find()) {
            String name = upstream.group(2);
            seen.add(name);
            assertThat(upstreamPorts).as("the test has a node for upstream " + name).containsKey(name);
            String servers = upstream.group(3).replaceAll("\\bserver\\s+[^;]+;", "")
                    + "server 127.0.0.1:" + upstreamPorts.get(name) + ";\n  ";
            upstream.appendReplacement(config, Matcher.quoteReplacement(upstream.group(1) + servers + "}"));
        }
        upstream.appendTail(config);
        assertThat(seen).as("upstreams of deploy/nginx.conf").containsExactlyInAnyOrderElementsOf(upstreamPorts.keySet());
        String adapted = config.toString()
                .replace("listen 8008;", "listen 127.0.0.1:" + listenPort + ";")
                .replace("http {", "http {\n  access_log off;\n"
                        + "  client_body_temp_path " + prefix.resolve("body") + ";\n"
                        + "  proxy_temp_path " + prefix.resolve("proxy") + ";\n"
                        + "  fastcgi_temp_path " + prefix.resolve("fastcgi") + ";\n"
                        + "  uwsgi_temp_path " + prefix.resolve("uwsgi") + ";\n"
                        + "  scgi_temp_path " + prefix.resolve("scgi") + ";\n");
        assertThat(adapted).as("the shipped config was adapted").contains("listen 127.0.0.1:" + listenPort + ";");
        return adapted;
    }

    // ---- routing

    @Test
    void everyFormOfEveryWriteActionLandsOnTheIngestNode() throws Exception {
        for (String action : WRITE_ACTIONS) {
            Map<String, Double> ingestBefore = ingest.requestCounts();
            Map<String, Double> queryBefore = query.requestCounts();
            List<String> paths = pathForms(action);
            for (String path : paths) {
                for (String method : List.of("POST", "GET")) {
                    String id = "route-" + action.substring("serving.".length()) + "-" + method + "-" + paths.indexOf(path);
                    Reply reply = client.call(method, path, writeBody(action, id, "/front/routing"));
                    assertThat(reply.status()).as(method + " " + path + ": " + reply.body()).isEqualTo(200);
                }
            }
            int sent = paths.size() * 2;
            ingest.awaitCount(action, count(ingestBefore, action) + sent);
            assertThat(count(query.requestCounts(), action)).as(action + " calls on the query node")
                    .isEqualTo(count(queryBefore, action));
        }
    }

    @Test
    void everyFormOfEveryReadActionLandsOnTheQueryNode() throws Exception {
        for (String action : READ_ACTIONS) {
            Map<String, Double> ingestBefore = ingest.requestCounts();
            Map<String, Double> queryBefore = query.requestCounts();
            List<String> paths = pathForms(action);
            for (String path : paths) {
                for (String method : List.of("POST", "GET")) {
                    Reply reply = client.call(method, path, readBody(action));
                    assertThat(reply.resultCode()).as(method + " " + path + " answered by a node: " + reply.body())
                            .isEqualTo(reply.status()).isPositive();
                }
            }
            query.awaitCount(action, count(queryBefore, action) + paths.size() * 2);
            assertThat(count(ingest.requestCounts(), action)).as(action + " calls on the ingest node")
                    .isEqualTo(count(ingestBefore, action));
        }
    }

    @Test
    void authLoginLandsOnTheIngestNodeAndItsTokenServesWritesAndReadsThroughTheFront() throws Exception {
        Map<String, Double> ingestBefore = ingest.requestCounts();
        Map<String, Double> queryBefore = query.requestCounts();

        ServingClient bearer = new ServingClient(front).login(KEY, SECRET);
        Reply versioned = client.call("POST", "/v2.31/auth.login", ServingClient.basic(KEY, SECRET), "{}");

        assertThat(versioned.status()).as(versioned.body()).isEqualTo(200);
        ingest.awaitCount("auth.login", count(ingestBefore, "auth.login") + 2);
        assertThat(count(query.requestCounts(), "auth.login")).isEqualTo(count(queryBefore, "auth.login"));
        assertThat(TestApps.ok(bearer.post("serving.register_container",
                writeBody("serving.register_container", "front-bearer", "/front/bearer"))).status()).isEqualTo(200);
        assertThat(TestApps.ok(bearer.get("serving.get_endpoints", "{}")).status()).isEqualTo(200);
    }

    @Test
    void unknownActionsAndPathsAreAnsweredByTheQueryNodeInTheEnvelope() throws Exception {
        Map<String, Double> ingestBefore = ingest.requestCounts();
        Map<String, Double> queryBefore = query.requestCounts();
        List<String> paths = List.of("/serving.no_such_action", "/v2.31/serving.register_containers", "/nothing/here",
                "/SERVING.REGISTER_CONTAINER");

        for (String path : paths) {
            Reply reply = client.call("POST", path, "{}");
            assertThat(reply.status()).as(path).isEqualTo(404);
            assertThat(reply.resultCode()).as(path + " in the ClearML envelope: " + reply.body()).isEqualTo(404);
        }
        query.awaitCount(HttpRequestMetrics.UNKNOWN_ACTION,
                count(queryBefore, HttpRequestMetrics.UNKNOWN_ACTION) + paths.size());
        assertThat(count(ingest.requestCounts(), HttpRequestMetrics.UNKNOWN_ACTION))
                .isEqualTo(count(ingestBefore, HttpRequestMetrics.UNKNOWN_ACTION));
    }

    @Test
    void theFrontAnswersItsOwnHealthAndPassesWriteAndReadHealthToTheirNodes() throws Exception {
        Map<String, Double> ingestBefore = ingest.requestCounts();
        Map<String, Double> queryBefore = query.requestCounts();

        HttpResponse<String> own = get("/health/front");
        HttpResponse<String> write = get("/health/write");
        HttpResponse<String> read = get("/health/read");

        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("\"status\": \"ok\"").doesNotContain("kafka");
        assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
        assertThat(write.body()).contains("kafka");
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).contains("streams");
        ingest.awaitCount("health/write", count(ingestBefore, "health/write") + 1);
        query.awaitCount("health/read", count(queryBefore, "health/read") + 1);
        assertThat(count(query.requestCounts(), "health/write")).isEqualTo(count(queryBefore, "health/write"));
        assertThat(count(ingest.requestCounts(), "health/read")).isEqualTo(count(ingestBefore, "health/read"));
    }

    // ---- the one URL serves the API

    @Test
    void aWriteThroughTheFrontIsReadBackThroughTheFront() throws Exception {
        String url = "/front/written-then-read";
        TestApps.ok(client.post("serving.register_container", writeBody("serving.register_container", "front-rw", url)));
        TestApps.ok(client.post("serving.container_status_report",
                writeBody("serving.container_status_report", "front-rw", url)));

        Reply details = TestApps.eventually(PROCESSING,
                () -> client.get("serving.get_endpoint_details", "{\"endpoint_url\": \"" + url + "\"}"),
                reply -> reply.status() == 200 && reply.data().path("instances").path(0).path("requests").asLong() == 1234);
        Reply endpoints = TestApps.eventually(PROCESSING, () -> client.get("serving.get_endpoints", "{}"),
                reply -> reply.status() == 200 && row(reply.data(), url) != null);

        assertThat(details.data().path("instances")).hasSize(1);
        assertThat(details.data().path("instances").path(0).path("id").asText()).isEqualTo("front-rw");
        assertThat(row(endpoints.data(), url).path("instances").asInt()).isEqualTo(1);
        assertThat(row(endpoints.data(), url).path("requests").asLong()).isEqualTo(1234);
    }

    // ---- what stays inside the deployment

    @Test
    void internalQueryPathsAreNotRoutedToTheNodes() throws Exception {
        for (String path : List.of("/internal/query/get_endpoints", "/internal/query/container_registered",
                "/%69nternal/query/get_endpoints", "//internal/query/get_endpoints", "/internal",
                "/v2.31/../internal/query/get_endpoints", "/serving.get_endpoints/../internal/query/get_endpoints")) {
            HttpResponse<String> response = post(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            // a node answers in the ClearML envelope; nginx's own page has none
            assertThat(response.body()).as(path + " answered by nginx itself").doesNotContain("result_code");
        }
        // while a query node itself does serve the internal route (401 without a node token)
        HttpResponse<String> direct = http.send(HttpRequest.newBuilder(
                        URI.create(query.baseUrl() + "/internal/query/get_endpoints"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(401);
    }

    @Test
    void metricsAreNotRoutedToTheOutside() throws Exception {
        for (String path : List.of("/metrics", "/metrics/", "/metrics?name=jvm", "/%6detrics", "/v2.31/../metrics")) {
            HttpResponse<String> response = get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("jvm_memory_used_bytes").doesNotContain("result_code");
        }
        assertThat(query.metrics()).contains("jvm_memory_used_bytes");
    }

    // ---- calls

    /** Every path form the service routes for an action (ClearMlRoutes: plain, versioned, trailing slash). */
    private static List<String> pathForms(String action) {
        return List.of("/" + action, "/v2.31/" + action, "/v999.0/" + action, "/" + action + "/");
    }

    private static String writeBody(String action, String containerId, String url) {
        return switch (action) {
            case "serving.register_container" -> "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"e\","
                    + " \"model_name\": \"m\", \"endpoint_url\": \"" + url + "\", \"timeout\": 3600}";
            case "serving.container_status_report" -> "{\"container_id\": \"" + containerId + "\", \"endpoint_name\": \"e\","
                    + " \"model_name\": \"m\", \"endpoint_url\": \"" + url + "\", \"uptime_sec\": 60,"
                    + " \"requests_num\": 1234, \"requests_min\": 12.5, \"latency_ms\": 20}";
            case "serving.unregister_container" -> "{\"container_id\": \"" + containerId + "\"}";
            default -> throw new IllegalArgumentException(action);
        };
    }

    private static String readBody(String action) {
        long now = System.currentTimeMillis() / 1000;
        return switch (action) {
            case "serving.get_endpoint_details" -> "{\"endpoint_url\": \"/front/routing\"}";
            case "serving.get_endpoint_metrics_history" -> "{\"endpoint_url\": \"/front/routing\", \"from_date\": "
                    + (now - 3600) + ", \"to_date\": " + now + ", \"interval\": 60}";
            case "serving.get_endpoints", "serving.get_loading_instances" -> "{}";
            default -> throw new IllegalArgumentException("no read body for " + action);
        };
    }

    private static JsonNode row(JsonNode endpoints, String url) {
        for (JsonNode row : endpoints.path("endpoints")) {
            if (row.path("url").asText().equals(url)) {
                return row;
            }
        }
        return null;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(front + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(front + path)).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"company\": \"" + COMPANY + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static double count(Map<String, Double> counts, String action) {
        return counts.getOrDefault(action, 0.0);
    }

    // ---- the nodes

    /** A serving-monitor process started as a user would ({@code ServingMonitor} main), serving one upstream. */
    private static final class Node {

        final String upstream;
        final int port;
        private final Process process;
        private final Path log;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        private Node(String upstream, int port, Process process, Path log) {
            this.upstream = upstream;
            this.port = port;
            this.process = process;
            this.log = log;
        }

        /**
         * Starts the node of {@code upstream} ("ingest" or "query"): the command of that name;
         * every node that runs Streams shares the application id.
         */
        static Node start(String upstream, String applicationId, Path credentials) throws IOException {
            String command = upstream;
            int port = freePort();
            List<String> args = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                    "-cp", System.getProperty("java.class.path"), ServingMonitor.class.getName(), command,
                    "--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--port", Integer.toString(port),
                    "--credentials", credentials.toString()));
            if (!command.equals("ingest")) {
                args.addAll(List.of("--application-id", applicationId,
                        "--data-dir", dir.resolve(upstream + "-data").toString(),
                        "--stream-threads", "1", "--rocksdb-memory", "32m"));
            }
            Path log = dir.resolve(upstream + ".log");
            ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put(LauncherOptions.TOKEN_SECRET_ENV, TestApps.TOKEN_SECRET);
            return new Node(upstream, port, builder.start(), log);
        }

        String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        void awaitHealthy() throws Exception {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                assertThat(process.isAlive()).as(upstream + " node is running; its output:\n" + output()).isTrue();
                try {
                    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (health.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            throw new AssertionError(upstream + " node not healthy in " + START_TIMEOUT + "; its output:\n" + output());
        }

        String metrics() throws Exception {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(upstream + " /metrics").isEqualTo(200);
            return response.body();
        }

        /** Requests this node answered so far, per {@code action} label (all statuses together). */
        Map<String, Double> requestCounts() throws Exception {
            Map<String, Double> counts = new LinkedHashMap<>();
            Matcher line = REQUEST_COUNT.matcher(metrics());
            while (line.find()) {
                Matcher action = ACTION_LABEL.matcher(line.group(1));
                if (action.find()) {
                    counts.merge(action.group(1), Double.parseDouble(line.group(2)), Double::sum);
                }
            }
            return counts;
        }

        /** Waits until this node counted {@code expected} requests of {@code action} (a count is recorded after the answer). */
        void awaitCount(String action, double expected) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            double seen = count(requestCounts(), action);
            while (seen < expected && System.nanoTime() < deadline) {
                Thread.sleep(50);
                seen = count(requestCounts(), action);
            }
            assertThat(seen).as(action + " requests on the " + upstream + " node").isEqualTo(expected);
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        private String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }
    }

    private static boolean nginxInstalled() {
        try {
            Process probe = new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            assertThat(nginx.isAlive()).as("nginx is running (see its stdout.log)").isTrue();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nginx did not listen on " + port);
    }
}
