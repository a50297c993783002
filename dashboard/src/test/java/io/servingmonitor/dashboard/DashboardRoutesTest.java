package io.servingmonitor.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's files over HTTP: public, from the jar, only the named ones, with a strict CSP. */
class DashboardRoutesTest {

    private static Javalin http;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        http = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            Dashboard.install(javalin);
        }).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        http.stop();
    }

    @Test
    void pageIsServedWithoutCredentialsWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(type(page)).isEqualTo("text/html;charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(Dashboard.CONTENT_SECURITY_POLICY);
        assertThat(Dashboard.CONTENT_SECURITY_POLICY).contains("default-src 'none'", "script-src 'self';",
                "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.body()).contains("<script src=\"/dashboard/app.js\" defer></script>",
                "<script src=\"/dashboard/uPlot.iife.min.js\" defer></script>");
    }

    @Test
    void scriptStyleAndUplotAreServedFromTheJarWithTheirTypes() throws Exception {
        HttpResponse<String> app = get("/dashboard/app.js");
        HttpResponse<String> uplot = get("/dashboard/uPlot.iife.min.js");
        HttpResponse<String> css = get("/dashboard/uPlot.min.css");

        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(type(app)).isEqualTo("text/javascript;charset=utf-8");
        assertThat(app.headers().firstValue("Content-Security-Policy")).hasValue(Dashboard.CONTENT_SECURITY_POLICY);
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        assertThat(type(css)).isEqualTo("text/css;charset=utf-8");
        assertThat(css.body()).contains(".uplot");
        assertThat(Dashboard.uplotVersion()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void onlyTheNamedFilesAreServed() throws Exception {
        for (String path : new String[] {"/dashboard/index.html", "/dashboard/uPlot.cjs.js", "/dashboard/pom.properties",
                "/dashboard/", "/dashboard/LICENSE"}) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.body()).as(path).doesNotContain("uPlot", "<html");
        }
    }

    @Test
    void pageAndScriptNeitherInlineScriptsNorParseDataAsHtml() throws IOException {
        String page = resource("dashboard/index.html");
        String script = resource("dashboard/app.js");

        // every script has a src (script-src 'self' would refuse an inline one), nothing from another host
        assertThat(page.split("<script", -1)).hasSize(3);
        assertThat(page).doesNotContainPattern("\\son[a-z]+=").doesNotContain("<script>", "style=", "http:", "https:", "//cdn");
        assertThat(script).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "new Function", "http:", "https:");
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The Content-Type without spaces (Jetty writes {@code text/html;charset=utf-8}). */
    private static String type(HttpResponse<String> answer) {
        return answer.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
