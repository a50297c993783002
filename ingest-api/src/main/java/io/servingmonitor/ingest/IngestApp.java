package io.servingmonitor.ingest;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.ServingHttp;
import java.time.Clock;
import java.util.function.Consumer;

/** Builds a Javalin that serves only the ingest actions (plus {@code auth.login}), for running ingest on its own. */
public final class IngestApp {

    private IngestApp() {
    }

    /**
     * The ingest app with ClearML's automatic registration, not started.
     *
     * @param publisher where accepted writes go ({@link KafkaEventPublisher} in production)
     * @param clock     stamps the events
     * @param extra     more routes, e.g. {@code /health}
     */
    public static Javalin create(ApiConfig config, Authenticator authenticator, EventPublisher publisher, Clock clock,
                                 Consumer<JavalinConfig> extra) {
        return create(config, authenticator, new IngestActions(publisher, clock), clock, extra);
    }

    /**
     * The ingest app serving {@code actions} (e.g. with a {@link RegistrationPolicy} and a
     * {@link ContainerDirectory}), not started.
     *
     * @param clock stamps {@code receivedAtMs} of each call
     * @param extra more routes, e.g. {@code /health}
     */
    public static Javalin create(ApiConfig config, Authenticator authenticator, IngestActions actions, Clock clock,
                                 Consumer<JavalinConfig> extra) {
        return ServingHttp.create(config, authenticator, actions.definitions(), extra, clock);
    }
}
