package io.servingmonitor.bench;

import io.javalin.Javalin;

/**
 * The HTTP ceiling: Javalin on 127.0.0.1 answering every {@code POST /<action>} and
 * {@code GET /<action>} with 200 and a tiny JSON body, doing nothing else.
 */
public final class EmptyHandlerServer implements AutoCloseable {

    private final Javalin app;

    private EmptyHandlerServer(Javalin app) {
        this.app = app;
    }

    public static EmptyHandlerServer start() {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.routes.post("/{action}", ctx -> ctx.contentType("application/json").result("{}"));
            config.routes.get("/{action}", ctx -> ctx.contentType("application/json").result("{}"));
        });
        app.start("127.0.0.1", 0);
        return new EmptyHandlerServer(app);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
