package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.servingmonitor.api.client.ServingClient;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code deploy/nginx.conf} for real: Debian's nginx on loopback in front of a
 * standalone instance serves the API, and answers 404 itself for {@code /internal/*} and
 * {@code /metrics} (however the path is spelled) instead of passing them on. Skipped where nginx
 * is not installed ({@code .ci/run} installs it).
 */
class NginxFrontTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    @TempDir
    static Path dir;

    private static StandaloneApp app;
    private static Process nginx;
    private static String front;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startAppBehindNginx() throws Exception {
        assumeTrue(nginxInstalled(), "nginx is not installed");
        Path credentials = TestApps.credentials(dir, "front-co:front-key:front-secret");
        app = TestApps.startRunning(KAFKA, dir, credentials, "nginx-front", "--stream-threads", "1");
        int port = freePort();
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.writeString(prefix.resolve("nginx.conf"), loopbackConfig(prefix, port, app.port()));
        nginx = new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(),
                "-g", "daemon off; master_process off; pid " + prefix.resolve("nginx.pid") + "; error_log "
                        + prefix.resolve("error.log") + ";")
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        front = "http://127.0.0.1:" + port;
        awaitListening(port);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        if (app != null) {
            app.close();
        }
    }

    /** deploy/nginx.conf as shipped, but listening on loopback and proxying to the test's instance. */
    private static String loopbackConfig(Path prefix, int listenPort, int appPort) throws IOException {
        String shipped = Files.readString(ComposeFileTest.repositoryRoot().resolve("deploy/nginx.conf"));
        String config = shipped
                .replaceAll("server monitor-1:8008;\\s*server monitor-2:8008;", "server 127.0.0.1:" + appPort + ";")
                .replace("listen 8008;", "listen 127.0.0.1:" + listenPort + ";")
                .replace("http {", "http {\n  access_log off;\n"
                        + "  client_body_temp_path " + prefix.resolve("body") + ";\n"
                        + "  proxy_temp_path " + prefix.resolve("proxy") + ";\n"
                        + "  fastcgi_temp_path " + prefix.resolve("fastcgi") + ";\n"
                        + "  uwsgi_temp_path " + prefix.resolve("uwsgi") + ";\n"
                        + "  scgi_temp_path " + prefix.resolve("scgi") + ";\n");
        assertThat(config).as("the shipped config was adapted").contains("server 127.0.0.1:" + appPort + ";")
                .contains("listen 127.0.0.1:" + listenPort + ";");
        return config;
    }

    @Test
    void theApiIsServedThroughNginx() {
        ServingClient client = new ServingClient(front).withBasic("front-key", "front-secret");

        assertThat(client.post("serving.register_container", "{\"container_id\": \"c1\", \"endpoint_name\": \"e\", "
                + "\"model_name\": \"m\", \"endpoint_url\": \"/serve/e\"}").status()).isEqualTo(200);
        assertThat(client.get("serving.get_endpoints", "{}").status()).isEqualTo(200);
    }

    @Test
    void internalQueryPathsAreNotRoutedToTheInstances() throws Exception {
        for (String path : List.of("/internal/query/get_endpoints", "/internal/query/container_registered",
                "/%69nternal/query/get_endpoints", "//internal/query/get_endpoints", "/internal")) {
            HttpResponse<String> response = post(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            // an instance answers in the ClearML envelope; nginx's own page has none
            assertThat(response.body()).as(path + " answered by nginx itself").doesNotContain("result_code");
        }
        // while the instance itself does serve the internal route (401 without a node token)
        HttpResponse<String> direct = http.send(HttpRequest.newBuilder(
                        URI.create(TestApps.baseUrl(app) + "/internal/query/get_endpoints"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(401);
    }

    @Test
    void metricsAreNotRoutedToTheOutside() throws Exception {
        for (String path : List.of("/metrics", "/metrics/", "/metrics?name=jvm", "/%6detrics")) {
            HttpResponse<String> response = get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("jvm_memory_used_bytes").doesNotContain("result_code");
        }
        assertThat(http.send(HttpRequest.newBuilder(URI.create(TestApps.baseUrl(app) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("jvm_memory_used_bytes");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(front + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(front + path)).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"company\": \"front-co\"}")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
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
