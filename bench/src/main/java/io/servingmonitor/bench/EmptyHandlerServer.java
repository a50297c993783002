package io.servingmonitor.bench;

import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The HTTP ceiling: Javalin on 127.0.0.1 answering every {@code POST /<action>} and
 * {@code GET /<action>} with 200 and a tiny JSON body, doing nothing else but read the request
 * body (as any real handler does; an unread body also makes Jetty close the keep-alive connection).
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
            config.routes.post("/{action}", EmptyHandlerServer::answer);
            config.routes.get("/{action}", EmptyHandlerServer::answer);
        });
        app.start("127.0.0.1", 0);
        return new EmptyHandlerServer(app);
    }

    private static void answer(Context ctx) {
        ctx.bodyAsBytes();
        ctx.contentType("application/json").result("{}");
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
