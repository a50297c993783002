package io.servingmonitor.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The shipped {@code deploy/nginx.conf} run by the machine's nginx in front of bench processes on
 * 127.0.0.1: only its upstream servers and its listen address are replaced (plus temp paths in the
 * bench's prefix directory and no access log). The config is the one of the build (copied into
 * this jar from {@code deploy/}). One process ({@code master_process off}), so its CPU time is the
 * front's.
 *
 * <p>The same substitution as {@code NginxFrontTest} in the launcher's tests, which keeps its own
 * copy: the bench depends on the launcher, so a test of the launcher cannot use bench code, and the
 * launcher's main code (the shipped service) is no place for a bench and test helper.
 */
public final class NginxFront implements AutoCloseable {

    private static final String SHIPPED_RESOURCE = "/deploy/nginx.conf";
    private static final String SHIPPED_LISTEN = "listen 8008;";
    private static final Pattern UPSTREAM = Pattern.compile("(upstream\\s+(\\S+)\\s*\\{)([^}]*)}");
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final int port;
    private final Path prefix;

    private NginxFront(Process process, int port, Path prefix) {
        this.process = process;
        this.port = port;
        this.prefix = prefix;
    }

    /** nginx on the {@code PATH}, else Debian's {@code /usr/sbin/nginx}; empty when neither is there. */
    public static Optional<Path> executable() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "nginx"));
                }
            }
        }
        candidates.add(Path.of("/usr/sbin/nginx"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** {@code deploy/nginx.conf} as this build shipped it. */
    public static String shippedConfig() {
        try (InputStream in = NginxFront.class.getResourceAsStream(SHIPPED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SHIPPED_RESOURCE + " is not in the bench's jar (see bench/pom.xml)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code shipped} with the servers of each upstream replaced by {@code 127.0.0.1:<port>} for
     * each of its ports, the listen address by {@code 127.0.0.1:listenPort}, the access log off and
     * nginx's temp paths inside {@code prefix}. Everything else (routing, timeouts, keep-alive,
     * hashing) stays as shipped.
     *
     * @throws IllegalArgumentException when the upstreams of {@code shipped} are not exactly the
     *                                  keys of {@code upstreamPorts}, an upstream gets no port, or
     *                                  the shipped listen directive is not there
     */
    public static String loopbackConfig(String shipped, Path prefix, int listenPort,
                                        Map<String, List<Integer>> upstreamPorts) {
        Matcher upstream = UPSTREAM.matcher(shipped);
        StringBuilder config = new StringBuilder();
        List<String> seen = new ArrayList<>();
        while (upstream.find()) {
            String name = upstream.group(2);
            seen.add(name);
            List<Integer> ports = upstreamPorts.get(name);
            if (ports == null || ports.isEmpty()) {
                throw new IllegalArgumentException("no port for upstream " + name + " of the nginx config");
            }
            String servers = upstream.group(3).replaceAll("\\bserver\\s+[^;]+;", "").replaceAll("(?m)^\\s*\\n", "")
                    + ports.stream().map(p -> "    server 127.0.0.1:" + p + ";\n").collect(Collectors.joining()) + "  ";
            upstream.appendReplacement(config, Matcher.quoteReplacement(upstream.group(1) + servers + "}"));
        }
        upstream.appendTail(config);
        if (!new TreeSet<>(seen).equals(new TreeSet<>(upstreamPorts.keySet())) || seen.size() != upstreamPorts.size()) {
            throw new IllegalArgumentException("the nginx config has upstreams " + seen + ", the bench has nodes for "
                    + upstreamPorts.keySet());
        }
        String text = config.toString();
        if (!text.contains(SHIPPED_LISTEN)) {
            throw new IllegalArgumentException("the nginx config has no '" + SHIPPED_LISTEN + "' to replace");
        }
        return text.replace(SHIPPED_LISTEN, "listen 127.0.0.1:" + listenPort + ";")
                .replaceFirst("http \\{", Matcher.quoteReplacement("http {\n  access_log off;\n"
                        + "  client_body_temp_path " + prefix.resolve("body") + ";\n"
                        + "  proxy_temp_path " + prefix.resolve("proxy") + ";\n"
                        + "  fastcgi_temp_path " + prefix.resolve("fastcgi") + ";\n"
                        + "  uwsgi_temp_path " + prefix.resolve("uwsgi") + ";\n"
                        + "  scgi_temp_path " + prefix.resolve("scgi") + ";\n"));
    }

    /** Starts nginx with the shipped config for these upstreams, in {@code prefix}, and waits until it listens. */
    public static NginxFront start(Path executable, Path prefix, Map<String, List<Integer>> upstreamPorts)
            throws IOException, InterruptedException {
        Files.createDirectories(prefix);
        int port = ServiceProcess.freePort();
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, loopbackConfig(shippedConfig(), prefix, port, upstreamPorts));
        Process process = new ProcessBuilder(executable.toString(), "-p", prefix.toString(), "-c", conf.toString(),
                "-g", "daemon off; master_process off; pid " + prefix.resolve("nginx.pid") + "; error_log "
                        + prefix.resolve("error.log") + ";")
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        NginxFront front = new NginxFront(process, port, prefix);
        long deadline = System.nanoTime() + LISTEN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + "; see " + prefix);
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return front;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        front.close();
        throw new IllegalStateException("nginx did not listen on " + port + " within " + LISTEN_TIMEOUT + "; see " + prefix);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** CPU time nginx has used so far, in seconds. */
    public double cpuSeconds() {
        return CpuTimes.processSeconds(process.toHandle());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "nginx on " + baseUrl() + " (" + prefix + ")";
    }
}
