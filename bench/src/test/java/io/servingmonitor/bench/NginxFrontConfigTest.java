package io.servingmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NginxFrontConfigTest {

    private static final Path PREFIX = Path.of("/tmp/bench-nginx");

    @Test
    void shippedConfigGetsEveryLoopbackServerOfEachUpstreamAndNoOtherServer() {
        String config = NginxFront.loopbackConfig(NginxFront.shippedConfig(), PREFIX, 18008,
                Map.of("ingest", List.of(19001), "query", List.of(19002, 19003, 19004)));

        String ingest = block(config, "upstream ingest");
        String query = block(config, "upstream query");
        assertThat(ingest).contains("server 127.0.0.1:19001;").doesNotContain("ingest-1").doesNotContain("1900 2");
        assertThat(ingest.split("\\bserver\\s")).hasSize(2);
        assertThat(query).contains("server 127.0.0.1:19002;", "server 127.0.0.1:19003;", "server 127.0.0.1:19004;")
                .doesNotContain("query-1:8008");
        assertThat(query.split("\\bserver\\s")).hasSize(4);
    }

    @Test
    void shippedRoutingHashAndKeepAliveAreKeptWhileListenAndTempPathsAreLocal() {
        String shipped = NginxFront.shippedConfig();

        String config = NginxFront.loopbackConfig(shipped, PREFIX, 18008,
                Map.of("ingest", List.of(19001), "query", List.of(19002)));

        assertThat(config).contains("listen 127.0.0.1:18008;").doesNotContain("listen 8008;")
                .contains("access_log off;", "proxy_temp_path " + PREFIX.resolve("proxy") + ";",
                        "client_body_temp_path " + PREFIX.resolve("body") + ";")
                .contains("hash $http_idempotency_key consistent;", "keepalive 16;", "location ^~ /internal",
                        "proxy_pass http://ingest;", "proxy_pass http://query;");
        assertThat(config.substring(config.indexOf("server {"))).isEqualTo(shipped.substring(shipped.indexOf("server {"))
                .replace("listen 8008;", "listen 127.0.0.1:18008;"));
    }

    @Test
    void upstreamsThatDoNotMatchTheShippedOnesAreRefusedNamingThem() {
        String shipped = NginxFront.shippedConfig();

        assertThatThrownBy(() -> NginxFront.loopbackConfig(shipped, PREFIX, 1, Map.of("ingest", List.of(2))))
                .hasMessageContaining("query");
        assertThatThrownBy(() -> NginxFront.loopbackConfig(shipped, PREFIX, 1,
                Map.of("ingest", List.of(2), "query", List.of(3), "extra", List.of(4)))).hasMessageContaining("extra");
        assertThatThrownBy(() -> NginxFront.loopbackConfig(shipped, PREFIX, 1,
                Map.of("ingest", List.of(2), "query", List.of()))).hasMessageContaining("query");
    }

    private static String block(String config, String start) {
        int from = config.indexOf(start);
        assertThat(from).as(start + " in the config").isNotNegative();
        return config.substring(from, config.indexOf('}', from) + 1);
    }
}
