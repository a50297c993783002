package io.servingmonitor.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.servingmonitor.topics.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * The API's description on every node that serves it, without credentials: {@link #OPENAPI_PATH}
 * ({@link OpenApiDocument}, made once from the ClearML schema on the classpath) and a page at
 * {@link #DOCS_PATH} that renders it with Swagger UI, whose files come from its webjar in this
 * jar (nothing is loaded from elsewhere).
 */
public final class ApiDocs {

    public static final String OPENAPI_PATH = "/openapi.json";
    public static final String DOCS_PATH = "/docs";
    /** The ClearML service whose schema is described. */
    public static final String SERVICE = "serving";

    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    /** The Swagger UI files the page loads, and their types; nothing else of the webjar is served. */
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");

    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>serving-monitor API</title>
              <link rel="stylesheet" href="docs/swagger-ui.css">
              <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="docs/swagger-ui-bundle.js"></script>
              <script src="docs/swagger-ui-standalone-preset.js"></script>
              <script>
                window.ui = SwaggerUIBundle({
                  url: "openapi.json",
                  dom_id: "#swagger-ui",
                  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                  layout: "StandaloneLayout"
                });
              </script>
            </body>
            </html>
            """;

    private final byte[] document;
    private final String assetFolder;

    private ApiDocs(byte[] document, String assetFolder) {
        this.document = document;
        this.assetFolder = assetFolder;
    }

    /** Adds {@code GET /openapi.json}, {@code GET /docs} and the page's files to {@code javalin}. */
    public static void install(JavalinConfig javalin) {
        ApiDocs docs = new ApiDocs(documentBytes(), WEBJAR + swaggerUiVersion() + "/");
        javalin.routes.get(OPENAPI_PATH, docs::openApi);
        javalin.routes.get(DOCS_PATH, docs::page);
        javalin.routes.get(DOCS_PATH + "/{file}", docs::asset);
    }

    private static byte[] documentBytes() {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(OpenApiDocument.of(ClearMlSchema.load(SERVICE)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void openApi(Context ctx) {
        ctx.contentType("application/json").result(document);
    }

    private void page(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(PAGE.getBytes(StandardCharsets.UTF_8));
    }

    private void asset(Context ctx) {
        String file = ctx.pathParam("file");
        String type = ASSETS.get(file);
        InputStream in = type == null ? null : ApiDocs.class.getClassLoader().getResourceAsStream(assetFolder + file);
        if (in == null) {
            throw ApiException.unknownAction(ctx.path());
        }
        ctx.header("Cache-Control", "public, max-age=86400").contentType(type).result(in);
    }

    /** The version of the Swagger UI webjar on the classpath (its files are in a folder named after it). */
    static String swaggerUiVersion() {
        try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
