package io.servingmonitor.query;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.ServingHttp;
import java.util.function.Consumer;

/** Builds a Javalin that serves only the read actions (plus {@code auth.login}), for running the query side on its own. */
public final class QueryApp {

    private QueryApp() {
    }

    /**
     * The query app, not started.
     *
     * @param actions the read actions over this instance's stores
     * @param extra   more routes, e.g. {@code /health}
     */
    public static Javalin create(ApiConfig config, Authenticator authenticator, QueryActions actions,
                                 Consumer<JavalinConfig> extra) {
        return ServingHttp.create(config, authenticator, actions.definitions(), extra);
    }
}
