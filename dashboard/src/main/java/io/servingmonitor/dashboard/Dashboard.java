package io.servingmonitor.dashboard;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The web dashboard: {@code GET /} answers its page, {@code GET /dashboard/<file>} its script,
 * style sheet and uPlot (from uPlot's webjar), all read from the jar. The files are public and
 * carry no data; the page asks the normal, authenticated {@code serving.*} API for everything it
 * shows (a token from {@code auth.login}, sent as {@code Authorization: Bearer}).
 *
 * <p>Only the files named here are served (no directory is exposed). Every answer carries a strict
 * {@link #CONTENT_SECURITY_POLICY}: scripts, styles and connections only from this origin, no inline
 * script, no frames, no plugins, no forms posted elsewhere.
 */
public final class Dashboard {

    /** Where the page's own files are served. */
    public static final String ASSETS_PATH = "/dashboard/";

    /**
     * Scripts and styles from this origin only: no inline script or handler, no eval, nothing
     * from elsewhere; images (the favicon) and connections (the API) likewise; the page may not be
     * framed, nor post a form anywhere.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final String OWN_FILES = "dashboard/";
    private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final String UPLOT_DIST = "META-INF/resources/webjars/uplot/%s/dist/";

    private record Asset(String resource, String contentType) {
    }

    private final Asset page;
    private final Map<String, Asset> assets;

    private Dashboard() {
        String uplot = String.format(UPLOT_DIST, uplotVersion());
        page = new Asset(OWN_FILES + "index.html", "text/html; charset=utf-8");
        assets = Map.of(
                "app.js", new Asset(OWN_FILES + "app.js", "text/javascript; charset=utf-8"),
                "app.css", new Asset(OWN_FILES + "app.css", "text/css; charset=utf-8"),
                "favicon.svg", new Asset(OWN_FILES + "favicon.svg", "image/svg+xml"),
                "uPlot.iife.min.js", new Asset(uplot + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
                "uPlot.min.css", new Asset(uplot + "uPlot.min.css", "text/css; charset=utf-8"));
        for (Asset asset : assets.values()) {
            requirePresent(asset);
        }
        requirePresent(page);
    }

    /** Adds {@code GET /} and {@code GET /dashboard/<file>} to {@code javalin}; needs no authentication. */
    public static void install(JavalinConfig javalin) {
        Dashboard dashboard = new Dashboard();
        javalin.routes.get("/", ctx -> dashboard.send(ctx, dashboard.page));
        javalin.routes.get(ASSETS_PATH + "{file}", dashboard::asset);
    }

    private void asset(Context ctx) {
        Asset asset = assets.get(ctx.pathParam("file"));
        if (asset == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("Not found");
            securityHeaders(ctx);
            return;
        }
        send(ctx, asset);
    }

    private void send(Context ctx, Asset asset) {
        InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(asset.resource());
        if (in == null) {
            throw new IllegalStateException("dashboard file missing from the jar: " + asset.resource());
        }
        securityHeaders(ctx);
        // Always revalidated, so that a new build's page is never mixed with an old cached script.
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(asset.contentType()).result(in);
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
    }

    private static void requirePresent(Asset asset) {
        if (Dashboard.class.getClassLoader().getResource(asset.resource()) == null) {
            throw new IllegalStateException("dashboard file missing from the class path: " + asset.resource());
        }
    }

    /** The version of the uPlot webjar on the class path (its files sit under a folder named by it). */
    static String uplotVersion() {
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
            if (in == null) {
                throw new IllegalStateException("uPlot webjar missing from the class path (" + UPLOT_POM + ")");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
