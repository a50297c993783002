package io.servingmonitor.launcher;

import static io.servingmonitor.launcher.TestApps.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.router.Endpoint;
import io.servingmonitor.api.ApiDocs;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.Json;
import io.servingmonitor.topics.MetricType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /openapi.json} and {@code /docs} of the whole service on a real broker, against what it
 * actually serves: the action routes registered are the document's paths, each answers, and the
 * answers of every read action have exactly the fields the document (made from ClearML's schema)
 * gives them.
 */
class ApiDocsEndToEndTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Pattern ACTION_ROUTE = Pattern.compile("/(?:v\\{version}/)?([a-z_]+\\.[a-z_]+)");
    private static final String URL = "/serve/documented";

    @TempDir
    static Path dir;

    private static StandaloneApp app;
    private static String baseUrl;
    private static JsonNode document;
    private static ServingClient client;

    @BeforeAll
    static void startApp() throws Exception {
        Path credentials = TestApps.credentials(dir, "docs-co:docs-key:docs-secret");
        app = TestApps.startRunning(KAFKA, dir, credentials, "api-docs", "--stream-threads", "1");
        baseUrl = TestApps.baseUrl(app);
        client = new ServingClient(baseUrl).withBasic("docs-key", "docs-secret");
        HttpResponse<String> answer = get("/openapi.json");
        assertThat(answer.statusCode()).isEqualTo(200);
        document = Json.mapper().readTree(answer.body());
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void openApiDocumentIsServedWithoutCredentialsAsJson() throws Exception {
        HttpResponse<String> answer = get("/openapi.json");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void theActionRoutesRegisteredAreExactlyTheDocumentedPathsAndEachAnswers() throws Exception {
        Set<String> routed = new TreeSet<>();
        for (var handler : app.http().unsafe.internalRouter.allHttpHandlers()) {
            Endpoint endpoint = handler.endpoint;
            Matcher matcher = ACTION_ROUTE.matcher(endpoint.path);
            // Every service.action route; the document's own path has the same shape but is no action.
            if (matcher.matches() && !endpoint.path.equals(ApiDocs.OPENAPI_PATH)
                    && Set.of("GET", "POST").contains(endpoint.method.name())) {
                routed.add("/" + matcher.group(1) + " " + endpoint.method.name().toLowerCase());
            }
        }
        Set<String> documented = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path ->
                path.getValue().fieldNames().forEachRemaining(method -> documented.add(path.getKey() + " " + method)));

        assertThat(documented).hasSize(16);
        assertThat(routed).isEqualTo(documented);
        for (String path : fieldNames(document.get("paths"))) {
            Reply anonymous = new ServingClient(baseUrl).call("GET", path, null);
            assertThat(anonymous.status()).as(path).isEqualTo(401);
            assertThat(anonymous.resultSubcode()).as(path).isEqualTo(20);
        }
    }

    @Test
    void everyAnswerHasExactlyTheFieldsTheDocumentGivesIt() throws Exception {
        assertThat(fieldNames(ok(client.post("serving.register_container", "{\"container_id\": \"docs-1\","
                + " \"endpoint_name\": \"e\", \"model_name\": \"m\", \"endpoint_url\": \"" + URL + "\"}")).data())).isEmpty();
        ok(client.post("serving.container_status_report", "{\"container_id\": \"docs-1\", \"endpoint_name\": \"e\","
                + " \"model_name\": \"m\", \"endpoint_url\": \"" + URL + "\", \"uptime_sec\": 5, \"requests_num\": 9,"
                + " \"requests_min\": 1.5, \"latency_ms\": 12, \"reference\": [{\"type\": \"model\", \"value\": \"v\"}],"
                + " \"machine_stats\": {\"cpu_usage\": [10, 20], \"memory_used\": 100}}"));
        ok(client.post("serving.register_container", "{\"container_id\": \"docs-loading\", \"endpoint_name\": \"e\","
                + " \"model_name\": \"m\"}"));
        Reply endpoints = TestApps.eventually(Duration.ofSeconds(30), () -> client.post("serving.get_endpoints", "{}"),
                r -> r.data().path("endpoints").size() == 1 && r.data().at("/endpoints/0/requests").asLong() == 9);
        Reply loading = TestApps.eventually(Duration.ofSeconds(30), () -> client.post("serving.get_loading_instances", "{}"),
                r -> r.data().path("instances").size() == 1);
        Reply details = ok(client.post("serving.get_endpoint_details", "{\"endpoint_url\": \"" + URL + "\"}"));
        long now = System.currentTimeMillis() / 1000;
        Reply history = ok(client.post("serving.get_endpoint_metrics_history", "{\"endpoint_url\": \"" + URL + "\","
                + " \"from_date\": " + (now - 600) + ", \"to_date\": " + (now + 60) + ", \"interval\": 40}"));

        assertThat(fieldNames(endpoints.data())).isEqualTo(documentedFields("get_endpoints", ""));
        assertThat(fieldNames(endpoints.data().at("/endpoints/0"))).isEqualTo(documentedFields("get_endpoints", "/endpoints[]"));
        assertThat(fieldNames(loading.data().at("/instances/0"))).isEqualTo(documentedFields("get_loading_instances", "/instances[]"));
        assertThat(fieldNames(details.data())).isEqualTo(documentedFields("get_endpoint_details", ""));
        assertThat(fieldNames(details.data().at("/instances/0")))
                .isEqualTo(documentedFields("get_endpoint_details", "/instances[]"));
        assertThat(fieldNames(details.data().at("/instances/0/reference/0")))
                .isEqualTo(documentedFields("get_endpoint_details", "/instances[]/reference[]"));
        assertThat(fieldNames(history.data())).isEqualTo(documentedFields("get_endpoint_metrics_history", ""));
        assertThat(fieldNames(history.data().get("total"))).isEqualTo(documentedFields("get_endpoint_metrics_history", "/total"));
        assertThat(fieldNames(history.data().at("/instances/docs-1")))
                .isEqualTo(documentedFields("get_endpoint_metrics_history", "/instances{}"));
        assertThat(fieldNames(ok(client.post("serving.unregister_container", "{\"container_id\": \"docs-1\"}")).data()))
                .isEmpty();
        assertThat(fieldNames(document.at("/paths/~1serving.unregister_container/post/responses/200/content"
                + "/application~1json/schema/properties/data/properties"))).isEmpty();
    }

    @Test
    void theMetricTypesServedAreTheEnumOfTheDocument() {
        JsonNode documented = document.at("/paths/~1serving.get_endpoint_metrics_history/post/requestBody/content"
                + "/application~1json/schema/properties/metric_type/enum");
        Set<String> served = new TreeSet<>(Arrays.stream(MetricType.values()).map(MetricType::apiName).toList());

        assertThat(new TreeSet<>(Json.mapper().convertValue(documented, java.util.List.class))).isEqualTo(served);
        for (String metric : served) {
            long now = System.currentTimeMillis() / 1000;
            Reply reply = client.post("serving.get_endpoint_metrics_history", "{\"endpoint_url\": \"/nowhere\","
                    + " \"from_date\": " + (now - 600) + ", \"to_date\": " + now + ", \"interval\": 40,"
                    + " \"metric_type\": \"" + metric + "\"}");
            assertThat(reply.status()).as(metric).isEqualTo(200);
        }
        assertThat(client.post("serving.get_endpoint_metrics_history", "{\"endpoint_url\": \"/nowhere\","
                + " \"from_date\": 1, \"to_date\": 100, \"interval\": 40, \"metric_type\": \"not_a_metric\"}").resultSubcode())
                .isEqualTo(12);
    }

    @Test
    void docsPageRendersTheDocumentWithSwaggerUiServedFromTheJar() throws Exception {
        HttpResponse<String> page = get("/docs");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("SwaggerUIBundle", "url: \"openapi.json\"").doesNotContain("http://", "https://", "//cdn");
        Matcher assets = Pattern.compile("(?:src|href)=\"(docs/[^\"]+)\"").matcher(page.body());
        Set<String> loaded = new TreeSet<>();
        while (assets.find()) {
            HttpResponse<String> asset = get("/" + assets.group(1));
            assertThat(asset.statusCode()).as(assets.group(1)).isEqualTo(200);
            assertThat(asset.body()).as(assets.group(1)).isNotEmpty();
            loaded.add(assets.group(1));
        }
        assertThat(loaded).contains("docs/swagger-ui-bundle.js", "docs/swagger-ui.css", "docs/swagger-ui-standalone-preset.js");
        assertThat(get("/docs/swagger-ui-bundle.js").headers().firstValue("Content-Type").orElse(""))
                .startsWith("text/javascript");
        assertThat(get("/docs/index.html").statusCode()).as("only the page's files").isEqualTo(404);
    }

    /** The property names of an action's response {@code data} at {@code pointer} ({@code /a[]/b{}}), through references. */
    private static Set<String> documentedFields(String action, String pointer) {
        JsonNode schema = resolve(document.at("/paths/~1serving." + action + "/post/responses/200/content"
                + "/application~1json/schema/properties/data"));
        for (String step : pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/")) {
            String name = step.replace("[]", "").replace("{}", "");
            schema = resolve(schema.get("properties").get(name));
            if (step.endsWith("[]")) {
                schema = resolve(schema.get("items"));
            } else if (step.endsWith("{}")) {
                schema = resolve(schema.get("additionalProperties"));
            }
        }
        return fieldNames(schema.path("properties"));
    }

    private static JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            schema = document.at("/components/schemas/" + schema.get("$ref").asText().replace("#/components/schemas/", ""));
        }
        return schema;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
