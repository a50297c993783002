package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import io.servingmonitor.topics.Json;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The copy of ClearML's schema files in the repository against the OpenAPI document made from
 * them, and the document served: every action, every field (request and response, nested ones
 * through references) and every enum of one must be in the other. The schema files are read here
 * by their own parse, independent of {@link ClearMlSchema}.
 */
class ApiDescriptionTest {

    private static final List<String> SCHEMA_FILES = List.of("serving.conf", "_workers_common.conf");

    private final Config raw = ConfigFactory.parseResources("spec/serving.conf").resolve();
    private final ObjectNode document = OpenApiDocument.of(ClearMlSchema.load("serving"));

    @Test
    void schemaFilesInTheRepositoryAreTheOnesInTheSharedSpec() throws Exception {
        Path shared = Path.of("../../shared/spec");
        assumeTrue(Files.isDirectory(shared), "no shared/spec beside the repository");
        for (String file : SCHEMA_FILES) {
            try (InputStream copy = getClass().getClassLoader().getResourceAsStream("spec/" + file)) {
                assertThat(copy).as(file).isNotNull();
                assertThat(new String(copy.readAllBytes())).as(file).isEqualTo(Files.readString(shared.resolve(file)));
            }
        }
    }

    @Test
    void everyActionOfTheSchemaIsInTheDocumentAndNoOtherBesidesAuthLogin() {
        Set<String> schemaPaths = new TreeSet<>();
        for (String key : raw.root().keySet()) {
            if (!key.startsWith("_")) {
                schemaPaths.add("/serving." + key);
            }
        }
        schemaPaths.add("/auth.login");

        assertThat(schemaPaths).hasSize(8);
        assertThat(fieldNames(document.get("paths"))).isEqualTo(schemaPaths);
        document.get("paths").forEach(path -> assertThat(fieldNames(path)).containsExactlyInAnyOrder("get", "post"));
    }

    @Test
    void everyRequestAndResponseFieldAndEnumOfTheSchemaIsInTheDocumentAndNoOther() {
        Function<String, JsonNode> schemaRefs = ref -> json(raw.getObject("_definitions")).get(ref.replace("#/definitions/", ""));
        Function<String, JsonNode> documentRefs = ref -> document.at("/components/schemas/" + ref.replace("#/components/schemas/", ""));
        for (String key : raw.root().keySet()) {
            if (key.startsWith("_")) {
                continue;
            }
            JsonNode action = json(raw.getObject(key)).get("2.31");
            JsonNode operation = document.at("/paths/~1serving." + key + "/post");
            Set<String> request = facts(action.get("request"), schemaRefs);
            Set<String> response = facts(action.get("response"), schemaRefs);

            assertThat(request).as(key + " request").isNotEmpty()
                    .isEqualTo(facts(operation.at("/requestBody/content/application~1json/schema"), documentRefs));
            assertThat(response).as(key + " response").isNotEmpty()
                    .isEqualTo(facts(operation.at("/responses/200/content/application~1json/schema/properties/data"),
                            documentRefs));
            assertThat(facts(document.at("/paths/~1serving." + key + "/get/requestBody/content/application~1json/schema"),
                    documentRefs)).as(key + " GET request").isEqualTo(request);
        }
    }

    @Test
    void theEnumsOfTheSchemaAreInTheDocument() {
        JsonNode metricType = document.at("/paths/~1serving.get_endpoint_metrics_history/post/requestBody/content"
                + "/application~1json/schema/properties/metric_type/enum");
        JsonNode referenceType = document.at("/components/schemas/reference_item/properties/type/enum");

        assertThat(metricType).hasSize(15);
        assertThat(Json.mapper().convertValue(metricType, List.class)).isEqualTo(raw.getStringList(
                "get_endpoint_metrics_history.\"2.31\".request.properties.metric_type.enum"));
        assertThat(Json.mapper().convertValue(referenceType, List.class))
                .containsExactly("app_id", "app_instance", "model", "task", "url");
    }

    @Test
    void everyAnswerIsTheEnvelopeAndEveryErrorCodeTheApiThrowsIsDescribed() {
        JsonNode meta = document.at("/components/schemas/meta");
        assertThat(fieldNames(meta.get("properties"))).containsExactlyInAnyOrder("id", "trx", "endpoint", "result_code",
                "result_subcode", "result_msg", "error_stack", "error_data");
        assertThat(fieldNames(meta.at("/properties/endpoint/properties")))
                .containsExactlyInAnyOrder("name", "requested_version", "actual_version");

        List<ApiException> thrown = List.of(ApiException.missingFields("f"), ApiException.validation("f", "p"),
                ApiException.malformedRequest("p"), ApiException.invalidPath("p"), ApiException.invalidFields("m"),
                ApiException.containerNotRegistered("c"), ApiException.noInstances("u"), ApiException.unknownAction("p"),
                ApiException.unauthorized(20, "m"), ApiException.unauthorized(21, "m"), ApiException.unauthorized(22, "m"),
                ApiException.unauthorized(30, "m"), ApiException.payloadTooLarge(1), ApiException.requestTimeout(),
                ApiException.eventTooLarge(), ApiException.unavailable("m"), ApiException.internal(),
                new RateLimitedException(ApiConfig.RateLimit.parse("1/s"), 1));
        Set<String> described = new TreeSet<>();
        document.get("paths").forEach(path -> path.forEach(operation -> operation.get("responses").fields()
                .forEachRemaining(answer -> {
                    answer.getValue().path("x-result-subcodes").forEach(subcode ->
                            described.add(answer.getKey() + "/" + subcode.asInt()));
                    if (!answer.getKey().equals("200")) {
                        assertThat(answer.getValue().at("/content/application~1json/schema/$ref").asText())
                                .isEqualTo("#/components/schemas/error");
                    }
                })));
        for (ApiException error : thrown) {
            assertThat(described).as("described error codes").contains(error.httpCode() + "/" + error.subcode());
        }
        assertThat(document.at("/paths/~1serving.get_endpoint_details/get/responses/400/x-result-subcodes").toString())
                .contains("1052");
        assertThat(document.at("/paths/~1serving.get_endpoints/get/responses/400/x-result-subcodes").toString())
                .doesNotContain("1052");
    }

    @Test
    void basicAndBearerAreTheSecuritySchemesAndAuthLoginTakesBasicOnly() {
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document.at("/components/securitySchemes/basic/scheme").asText()).isEqualTo("basic");
        assertThat(document.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        assertThat(document.get("security").toString()).contains("basic", "bearer");
        assertThat(document.at("/paths/~1auth.login/get/security").toString()).contains("basic").doesNotContain("bearer");
        assertThat(fieldNames(document.at("/paths/~1auth.login/get/responses/200/content/application~1json/schema"
                + "/properties/data/properties"))).containsExactly("token");
    }

    /**
     * What a schema says, as lines: every field path ({@code endpoints[].url}, {@code instances{}.dates[]}),
     * with its type, whether required, its format and enum; references followed through {@code refs}.
     */
    static Set<String> facts(JsonNode schema, Function<String, JsonNode> refs) {
        Set<String> facts = new TreeSet<>();
        collect(schema, "", refs, facts, 0);
        return facts;
    }

    private static void collect(JsonNode schema, String path, Function<String, JsonNode> refs, Set<String> facts, int depth) {
        if (schema == null || schema.isMissingNode() || depth > 10) {
            return;
        }
        if (schema.has("$ref")) {
            collect(refs.apply(schema.get("$ref").asText()), path, refs, facts, depth + 1);
            return;
        }
        facts.add(path + " type=" + schema.path("type").asText("") + " format=" + schema.path("format").asText("")
                + " enum=" + schema.path("enum") + " required=" + schema.path("required"));
        if (schema.get("properties") instanceof ObjectNode properties) {
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                // ClearML's one non-object "property" is a description (see ClearMlSchema).
                if (property.getValue().isObject()) {
                    collect(property.getValue(), path + "." + property.getKey(), refs, facts, depth + 1);
                }
            }
        }
        if (schema.get("items") != null) {
            collect(schema.get("items"), path + "[]", refs, facts, depth + 1);
        }
        if (schema.get("additionalProperties") != null && schema.get("additionalProperties").isObject()) {
            collect(schema.get("additionalProperties"), path + "{}", refs, facts, depth + 1);
        }
    }

    private static JsonNode json(ConfigObject object) {
        try {
            return Json.mapper().readTree(object.render(ConfigRenderOptions.concise()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
