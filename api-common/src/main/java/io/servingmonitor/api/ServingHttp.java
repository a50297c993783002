package io.servingmonitor.api;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.config.JavalinConfig;
import java.time.Clock;
import java.util.ArrayList;
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
            javalin.http.compressionStrategy = jsonFirstGzip();
            // extra first, so that our exception mapper and error envelopes are the ones in force
            extra.accept(javalin);
            ApiDocs.install(javalin);
            routes.install(javalin);
        });
    }

    /**
     * Javalin's default gzip (answers of 1,500 bytes or more, to clients that accept gzip), with
     * JSON, what the API answers, on its list of allowed types: Javalin decides on each answer's
     * first write whether to compress it, and for a type on neither list it searches the type for
     * each of its excluded binary types (image, audio, video, archives), case-insensitively, which took a third of the CPU of
     * writing a status report's answer (JFR, docs/BENCHMARKS.md).
     */
    static CompressionStrategy jsonFirstGzip() {
        CompressionStrategy strategy = new CompressionStrategy(null, new Gzip());
        // Added to Javalin's own allowed types (e.g. image/svg+xml), not in their place.
        List<String> allowed = new ArrayList<>(strategy.getAllowedMimeTypes());
        allowed.addAll(List.of("application/json", "application/json;charset=utf-8",
                "application/json; charset=utf-8", "application/json;charset=UTF-8", "application/json; charset=UTF-8"));
        strategy.setAllowedMimeTypes(allowed);
        return strategy;
    }
}
