package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ActionTableTest {

    private static final ActionHandler EMPTY = request -> CompletableFuture.completedFuture(Map.of());
    private static final ApiConfig CONFIG = ApiConfig.builder().build();
    private static final Authenticator AUTHENTICATOR = Authenticator.create(Credentials.of("c:k:s"), CONFIG, Clock.systemUTC());

    @Test
    void sameActionAtTheSameVersionTwiceIsRefused() {
        List<ActionDefinition> twice = List.of(new ActionDefinition("serving.a", "2.31", EMPTY),
                new ActionDefinition("serving.a", "2.31", EMPTY));

        assertThatThrownBy(() -> new ClearMlRoutes(CONFIG, AUTHENTICATOR, twice, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serving.a");
    }

    @Test
    void authLoginCannotBeRedefined() {
        assertThatThrownBy(() -> new ClearMlRoutes(CONFIG, AUTHENTICATOR,
                List.of(new ActionDefinition("auth.login", "2.31", EMPTY)), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void actionNameMustBeServiceDotAction() {
        assertThatThrownBy(() -> new ActionDefinition("register_container", "2.31", EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ActionDefinition("serving.x", "latest", EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newestVersionNotAboveTheAskedOneServes() {
        ActionDefinition v231 = new ActionDefinition("serving.a", "2.31",
                request -> CompletableFuture.completedFuture(Map.of("v", "2.31")));
        ActionDefinition v240 = new ActionDefinition("serving.a", "2.40",
                request -> CompletableFuture.completedFuture(Map.of("v", "2.40")));
        try (TestServer server = new TestServer(List.of(v231, v240))) {
            assertThat(server.get("/v2.35/serving.a", "{}").data().get("v").asText()).isEqualTo("2.31");
            assertThat(server.get("/v2.35/serving.a", "{}").meta().get("endpoint").get("actual_version").asText()).isEqualTo("2.31");
            assertThat(server.get("/v999.0/serving.a", "{}").data().get("v").asText()).isEqualTo("2.40");
            assertThat(server.get("/serving.a", "{}").data().get("v").asText()).isEqualTo("2.40");
            assertThat(server.get("/v2.30/serving.a", "{}").status()).isEqualTo(404);
        }
    }

    @Test
    void actionsOfSeveralApisShareOneJavalin() {
        ActionDefinition write = new ActionDefinition("serving.write", "2.31", EMPTY);
        ActionDefinition read = new ActionDefinition("serving.read", "2.31", EMPTY);
        try (TestServer server = new TestServer(List.of(write, read))) {
            assertThat(server.get("/serving.write", "{}").status()).isEqualTo(200);
            assertThat(server.get("/serving.read", "{}").status()).isEqualTo(200);
            assertThat(server.call("GET", "/auth.login", TestServer.basicA(), null).status()).isEqualTo(200);
        }
    }
}
