package io.servingmonitor.api;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds the Javalin app of a deployment: the given ClearML actions (one API's, or both APIs'
 * for the single process) plus {@code auth.login}, the API's description ({@link ApiDocs}:
 * {@code /openapi.json}, {@code /docs}), and whatever {@code extra} adds (e.g.
 * {@code /health}; it should not register exception or error handlers: the ClearML envelope
 * ones replace them). Not started; call {@code start(port)}.
 */
public final class ServingHttp {

    private ServingHttp() {
    }

    public static Javalin create(ApiConfig config, Authenticator authenticator, List<ActionDefinition> actions,
                                 Consumer<JavalinConfig> extra) {
        return create(config, authenticator, actions, extra, Clock.systemUTC());
    }

    /** As above, with the clock that stamps {@link ActionRequest#receivedAtMs()}. */
    public static Javalin create(ApiConfig config, Authenticator authenticator, List<ActionDefinition> actions,
                                 Consumer<JavalinConfig> extra, Clock clock) {
        ClearMlRoutes routes = new ClearMlRoutes(config, authenticator, actions, clock);
        return Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.startup.showOldJavalinVersionWarning = false;
            // extra first, so that our exception mapper and error envelopes are the ones in force
            extra.accept(javalin);
            ApiDocs.install(javalin);
            routes.install(javalin);
        });
    }
}
