package io.servingmonitor.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The schema files describe what the serdes really write: real records, serialized by the topic
 * serdes, validate against them (with every field filled and with the optional ones absent), a
 * corrupted record does not, and every field a record writes is declared in its schema.
 */
class TopicSchemasTest {

    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private static final long T0 = 1_714_564_800_000L;

    private static final MachineStats FULL_STATS = new MachineStats(List.of(10.0, 30.0), List.of(50.0, 70.0), 1024.0,
            3072.0, List.of(2048.0, 1024.0), List.of(1024.0, 512.0), 1.5, 2.5, 80.0, 70.0, 0.1, 0.2, List.of(40.0),
            List.of(60.0, 65.0));
    private static final LoadReport FULL_LOAD = new LoadReport(120L, 1_000L, 12.5, 35L, FULL_STATS);
    private static final ModelInfo FULL_MODEL = new ModelInfo("sentiment", "serve/sentiment", "bert", "s3://models/bert",
            "v3", "preprocess.py", "text", "1024", List.of(new ReferenceItem("task", "abc123"), new ReferenceItem("url", "https://x")),
            List.of("prod"), List.of("system"));
    /** A loading container: only the fields ClearML requires, no url. */
    private static final ModelInfo LOADING_MODEL =
            new ModelInfo("sentiment", null, "bert", null, null, null, null, null, null, null, null);
    private static final ModelInfo MINIMAL_SERVING_MODEL =
            new ModelInfo("sentiment", "serve/sentiment", "bert", null, null, null, null, null, null, null, null);

    private static final ContainerKey CONTAINER_KEY = new ContainerKey("acme", "c-1");
    private static final EndpointKey ENDPOINT_KEY = new EndpointKey("acme", "serve/sentiment");

    private static final ContainerEvent FULL_REGISTER =
            new ContainerEvent(ContainerEventType.REGISTER, "acme", "c-1", T0, "10.0.0.7", 600, FULL_MODEL, null, "eu-west-1");
    private static final ContainerEvent FULL_STATUS_REPORT =
            new ContainerEvent(ContainerEventType.STATUS_REPORT, "acme", "c-1", T0, "10.0.0.7", null, FULL_MODEL, FULL_LOAD,
                    "eu-west-1");
    private static final ContainerEntry FULL_ENTRY =
            new ContainerEntry("acme", "c-1", FULL_MODEL, FULL_LOAD, "10.0.0.7", T0, T0 + 30_000, 600, "eu-west-1");
    private static final MetricWindow FULL_WINDOW = new MetricWindow("acme", "serve/sentiment", 10, T0, T0 + 10_000,
            WindowAggregate.EMPTY.add("c-1", FULL_LOAD).add("c-1", FULL_LOAD));

    // ---- discoverability

    @Test
    void everyDeclaredTopicHasAKeyAndAValueSchemaOfDraft2020_12() {
        List<TopicSpec> topics = Topics.all(TopicSettings.singleBroker());
        assertThat(topics).hasSize(4);
        for (TopicSpec topic : topics) {
            for (String path : List.of(TopicSchemas.keySchema(topic.name()), TopicSchemas.valueSchema(topic.name()))) {
                JsonNode schema = tree(TopicSchemas.read(path));
                assertThat(schema.path("$schema").asText()).as(path).isEqualTo(DRAFT_2020_12);
                assertThat(schema.path("title").asText()).as(path).startsWith(topic.name() + " ");
                assertThat(schema.path("description").asText()).as(path).isNotBlank();
            }
        }
        assertThat(tree(TopicSchemas.read(TopicSchemas.COMMON)).path("$schema").asText()).isEqualTo(DRAFT_2020_12);
    }

    @Test
    void anUndeclaredTopicHasNoSchema() {
        assertThatThrownBy(() -> TopicSchemas.valueSchema("container-event"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("container-event");
        assertThatThrownBy(() -> TopicSchemas.read("schemas/missing.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schemas/missing.json");
    }

    // ---- keys

    @Test
    void containerKeysValidateAndAKeyNeverGainsFields() {
        for (String topic : List.of(Topics.CONTAINER_EVENTS, Topics.CONTAINER_STATE)) {
            Schema schema = keySchema(topic);
            JsonNode key = tree(Serdes.containerKey().serialize(topic, CONTAINER_KEY));

            assertThat(errors(schema, key)).as(topic).isEmpty();
            assertThat(errors(schema, with(key, k -> k.put("url", "u")))).as(topic).isNotEmpty();
            assertThat(errors(schema, with(key, k -> k.remove("container_id")))).as(topic).isNotEmpty();
        }
    }

    @Test
    void endpointKeysValidateAndAKeyNeverGainsFields() {
        for (String topic : List.of(Topics.ENDPOINT_STATS, Topics.METRIC_WINDOWS)) {
            Schema schema = keySchema(topic);
            JsonNode key = tree(Serdes.endpointKey().serialize(topic, ENDPOINT_KEY));

            assertThat(errors(schema, key)).as(topic).isEmpty();
            assertThat(errors(schema, with(key, k -> k.put("container_id", "c")))).as(topic).isNotEmpty();
            assertThat(errors(schema, with(key, k -> k.put("url", 7)))).as(topic).isNotEmpty();
        }
    }

    // ---- container-events

    @Test
    void everyKindOfContainerEventValidatesFullAndMinimal() {
        Schema schema = valueSchema(Topics.CONTAINER_EVENTS);
        List<ContainerEvent> events = List.of(
                FULL_REGISTER,
                FULL_STATUS_REPORT,
                new ContainerEvent(ContainerEventType.REGISTER, "acme", "c-1", T0, null, 600, LOADING_MODEL, null),
                new ContainerEvent(ContainerEventType.STATUS_REPORT, "acme", "c-1", T0, null, null, MINIMAL_SERVING_MODEL,
                        LoadReport.EMPTY),
                new ContainerEvent(ContainerEventType.UNREGISTER, "acme", "c-1", T0, null, null, null, null));
        for (ContainerEvent event : events) {
            assertThat(errors(schema, containerEvent(event))).as(event.toString()).isEmpty();
        }
    }

    @Test
    void containerEventWithAWrongTypeOrMissingWhatItsKindNeedsFails() {
        Schema schema = valueSchema(Topics.CONTAINER_EVENTS);
        JsonNode report = containerEvent(FULL_STATUS_REPORT);

        assertThat(errors(schema, with(report, e -> e.put("timestamp_ms", "yesterday"))))
                .anySatisfy(error -> assertThat(error.getInstanceLocation().toString()).contains("timestamp_ms"));
        assertThat(errors(schema, with(report, e -> e.put("type", "RESTART")))).isNotEmpty();
        assertThat(errors(schema, with(report, e -> ((ObjectNode) e.get("load")).put("requests_num", -1)))).isNotEmpty();
        assertThat(errors(schema, with(report, e -> ((ObjectNode) e.get("model")).remove("endpoint_url"))))
                .as("a status report always names its url").isNotEmpty();
        assertThat(errors(schema, with(containerEvent(FULL_REGISTER), e -> e.remove("timeout_sec"))))
                .as("a register always carries its timeout").isNotEmpty();
    }

    @Test
    void containerEventRegionIsOptionalAndAShortName() {
        Schema schema = valueSchema(Topics.CONTAINER_EVENTS);
        JsonNode withoutRegion = containerEvent(new ContainerEvent(ContainerEventType.STATUS_REPORT, "acme", "c-1", T0,
                "10.0.0.7", null, FULL_MODEL, FULL_LOAD));

        assertThat(containerEvent(FULL_STATUS_REPORT).path("region").asText()).isEqualTo("eu-west-1");
        assertThat(fieldNames(withoutRegion)).as("no region: the field is left out").doesNotContain("region");
        assertThat(errors(schema, withoutRegion)).isEmpty();
        assertThat(errors(schema, with(withoutRegion, e -> e.put("region", "eu west/1"))))
                .anySatisfy(error -> assertThat(error.getInstanceLocation().toString()).contains("region"));
        assertThat(errors(schema, with(withoutRegion, e -> e.put("region", "r".repeat(65))))).isNotEmpty();
    }

    @Test
    void anEventWrittenBeforeRegionsExistedReadsWithoutRegionAndARegionReadsBack() {
        byte[] old = ("{\"type\":\"REGISTER\",\"company\":\"acme\",\"container_id\":\"c-1\",\"timestamp_ms\":" + T0
                + ",\"timeout_sec\":600,\"model\":{\"endpoint_name\":\"e\",\"model_name\":\"m\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);

        ContainerEvent read = Serdes.containerEvent().deserialize(Topics.CONTAINER_EVENTS, old);

        assertThat(read.region()).isNull();
        assertThat(read.timeoutSec()).isEqualTo(600);
        assertThat(Serdes.containerEvent().deserialize(Topics.CONTAINER_EVENTS,
                Serdes.containerEvent().serialize(Topics.CONTAINER_EVENTS, FULL_STATUS_REPORT))).isEqualTo(FULL_STATUS_REPORT);
        assertThat(Serdes.containerEntry().deserialize(Topics.CONTAINER_STATE,
                Serdes.containerEntry().serialize(Topics.CONTAINER_STATE, FULL_ENTRY))).isEqualTo(FULL_ENTRY);
    }

    @Test
    void theSchemasRegionPatternIsTheOneTheCodeChecks() {
        for (String topic : List.of(Topics.CONTAINER_EVENTS, Topics.CONTAINER_STATE)) {
            String pattern = tree(TopicSchemas.read(TopicSchemas.valueSchema(topic))).path("properties").path("region")
                    .path("pattern").asText();
            assertThat(pattern).as(topic).isEqualTo("^" + ContainerEvent.REGION_NAME.pattern() + "$");
        }
    }

    // ---- container-state

    @Test
    void containerEntriesValidateFullAndJustRegistered() {
        Schema schema = valueSchema(Topics.CONTAINER_STATE);
        ContainerEntry justRegistered = new ContainerEntry("acme", "c-1", LOADING_MODEL, LoadReport.EMPTY, null, T0, T0, 600);

        assertThat(errors(schema, containerEntry(FULL_ENTRY))).isEmpty();
        assertThat(errors(schema, containerEntry(justRegistered))).isEmpty();
        assertThat(fieldNames(containerEntry(justRegistered))).as("no region: the field is left out").doesNotContain("region");
    }

    @Test
    void containerEntryWithAWrongTypeFails() {
        Schema schema = valueSchema(Topics.CONTAINER_STATE);
        JsonNode entry = containerEntry(FULL_ENTRY);

        assertThat(errors(schema, with(entry, e -> ((ObjectNode) e.get("load").get("machine_stats")).put("memory_used", "1 GB"))))
                .anySatisfy(error -> assertThat(error.getInstanceLocation().toString()).contains("memory_used"));
        assertThat(errors(schema, with(entry, e -> e.remove("last_activity_ms")))).isNotEmpty();
    }

    // ---- endpoint-stats

    @Test
    void endpointStatsRowValidates() {
        Schema schema = valueSchema(Topics.ENDPOINT_STATS);
        ContainerEntry other = new ContainerEntry("acme", "c-2", MINIMAL_SERVING_MODEL, LoadReport.EMPTY, null, T0, T0, 600);

        assertThat(errors(schema, endpointStats(List.of(FULL_ENTRY)))).isEmpty();
        assertThat(errors(schema, endpointStats(List.of(FULL_ENTRY, other)))).isEmpty();
    }

    @Test
    void endpointStatsRowWithAWrongTypeFails() {
        Schema schema = valueSchema(Topics.ENDPOINT_STATS);
        JsonNode row = endpointStats(List.of(FULL_ENTRY));

        assertThat(errors(schema, with(row, r -> r.put("instances", "two"))))
                .anySatisfy(error -> assertThat(error.getInstanceLocation().toString()).contains("instances"));
        assertThat(errors(schema, with(row, r -> r.remove("last_update")))).isNotEmpty();
    }

    // ---- metric-windows

    @Test
    void metricWindowsValidateWithEveryMetricAndWithOne() {
        Schema schema = valueSchema(Topics.METRIC_WINDOWS);
        MetricWindow requestsOnly = new MetricWindow("acme", "serve/sentiment", 300, T0, T0 + 300_000,
                WindowAggregate.EMPTY.add("c-1", new LoadReport(null, 5L, null, null, null)));

        assertThat(errors(schema, metricWindow(FULL_WINDOW))).isEmpty();
        assertThat(errors(schema, metricWindow(requestsOnly))).isEmpty();
    }

    @Test
    void aMetricWindowCarriesExactlyOneContainer() {
        Schema schema = valueSchema(Topics.METRIC_WINDOWS);
        MetricWindow two = new MetricWindow("acme", "serve/sentiment", 10, T0, T0 + 10_000,
                WindowAggregate.EMPTY.add("c-1", FULL_LOAD).add("c-2", FULL_LOAD));

        assertThat(errors(schema, metricWindow(two))).isNotEmpty();
        assertThat(errors(schema, with(metricWindow(FULL_WINDOW), w -> ((ObjectNode) w.get("aggregate")).putObject("containers"))))
                .isNotEmpty();
    }

    @Test
    void metricWindowWithAWrongTypeFails() {
        Schema schema = valueSchema(Topics.METRIC_WINDOWS);
        JsonNode window = metricWindow(FULL_WINDOW);

        assertThat(errors(schema, with(window, w -> ((ObjectNode) w.at("/aggregate/containers/c-1/metrics/requests")).put("count", "2"))))
                .anySatisfy(error -> assertThat(error.getInstanceLocation().toString()).contains("count"));
        assertThat(errors(schema, with(window, w -> ((ObjectNode) w.at("/aggregate/containers/c-1/metrics")).put("future_metric", 1))))
                .as("an unknown metric still has the accumulator shape").isNotEmpty();
        assertThat(errors(schema, with(window, w -> w.remove("aggregate")))).isNotEmpty();
    }

    @Test
    void metricWindowSchemaDescribesEveryMetricType() {
        JsonNode metrics = tree(TopicSchemas.read(TopicSchemas.valueSchema(Topics.METRIC_WINDOWS)))
                .at("/$defs/container_sample/properties/metrics/properties");

        assertThat(fieldNames(metrics)).containsExactlyInAnyOrderElementsOf(MetricType.apiNames());
        assertThat(fieldNames(metricWindow(FULL_WINDOW).at("/aggregate/containers/c-1/metrics")))
                .as("the full sample carries every metric")
                .containsExactlyInAnyOrderElementsOf(MetricType.apiNames());
    }

    // ---- compatibility and documentation of all value schemas

    @Test
    void valueSchemasAcceptFieldsAddedLater() {
        assertThat(errors(valueSchema(Topics.CONTAINER_EVENTS), with(containerEvent(FULL_STATUS_REPORT), e -> {
            e.put("region", "eu");
            ((ObjectNode) e.get("model")).put("framework", "onnx");
            ((ObjectNode) e.get("load").get("machine_stats")).put("gpu_power", 80);
        }))).isEmpty();
        assertThat(errors(valueSchema(Topics.CONTAINER_STATE), with(containerEntry(FULL_ENTRY), e -> e.put("region", "eu"))))
                .isEmpty();
        assertThat(errors(valueSchema(Topics.ENDPOINT_STATS), with(endpointStats(List.of(FULL_ENTRY)), r -> r.put("p99_ms", 80))))
                .isEmpty();
        assertThat(errors(valueSchema(Topics.METRIC_WINDOWS), with(metricWindow(FULL_WINDOW), w -> {
            w.put("closed_at_ms", T0);
            ((ObjectNode) w.at("/aggregate/containers/c-1/metrics/requests")).put("min", 1.0);
        }))).isEmpty();
    }

    @Test
    void valueSchemasNeverForbidUnknownFields() {
        for (String path : valueSchemaPaths()) {
            List<String> closed = new ArrayList<>();
            walk(tree(TopicSchemas.read(path)), "", (pointer, node) -> {
                if (node.path("additionalProperties").isBoolean() && !node.get("additionalProperties").asBoolean()
                        || node.path("unevaluatedProperties").isBoolean() && !node.get("unevaluatedProperties").asBoolean()) {
                    closed.add(pointer);
                }
            });
            assertThat(closed).as(path).isEmpty();
        }
    }

    @Test
    void schemasDeclareEveryFieldTheFullRecordsWriteAndNoOther() {
        Map<String, JsonNode> fullSamples = Map.of(
                // Every field of the record set, although a real event has timeout_sec or load, not both.
                TopicSchemas.valueSchema(Topics.CONTAINER_EVENTS), containerEvent(new ContainerEvent(
                        ContainerEventType.STATUS_REPORT, "acme", "c-1", T0, "10.0.0.7", 600, FULL_MODEL, FULL_LOAD, "eu-west-1")),
                TopicSchemas.valueSchema(Topics.CONTAINER_STATE), containerEntry(FULL_ENTRY),
                TopicSchemas.valueSchema(Topics.ENDPOINT_STATS), endpointStats(List.of(FULL_ENTRY)),
                TopicSchemas.valueSchema(Topics.METRIC_WINDOWS), metricWindow(FULL_WINDOW),
                TopicSchemas.keySchema(Topics.CONTAINER_STATE), tree(Serdes.containerKey().serialize("t", CONTAINER_KEY)),
                TopicSchemas.keySchema(Topics.METRIC_WINDOWS), tree(Serdes.endpointKey().serialize("t", ENDPOINT_KEY)));
        fullSamples.forEach((path, sample) -> {
            List<String> mismatches = new ArrayList<>();
            compareFields(path, tree(TopicSchemas.read(path)), sample, "", mismatches);
            assertThat(mismatches).as(path).isEmpty();
        });
    }

    @Test
    void everyDeclaredFieldIsDescribed() {
        List<String> paths = new ArrayList<>(valueSchemaPaths());
        paths.add(TopicSchemas.COMMON);
        for (TopicSpec topic : Topics.all(TopicSettings.singleBroker())) {
            paths.add(TopicSchemas.keySchema(topic.name()));
        }
        for (String path : paths) {
            List<String> undescribed = new ArrayList<>();
            walk(tree(TopicSchemas.read(path)), "", (pointer, node) -> {
                JsonNode properties = node.path("properties");
                // "then" branches only add constraints to fields declared (and described) above.
                if (properties.isObject() && !pointer.contains("/then") && !pointer.contains("/if")) {
                    properties.fields().forEachRemaining(field -> {
                        if (field.getValue().path("description").asText().isBlank()) {
                            undescribed.add(pointer + "/properties/" + field.getKey());
                        }
                    });
                }
            });
            assertThat(undescribed).as(path).isEmpty();
        }
    }

    // ---- helpers

    private static Schema keySchema(String topic) {
        return REGISTRY.getSchema(SchemaLocation.of("classpath:" + TopicSchemas.keySchema(topic)));
    }

    private static Schema valueSchema(String topic) {
        return REGISTRY.getSchema(SchemaLocation.of("classpath:" + TopicSchemas.valueSchema(topic)));
    }

    private static List<String> valueSchemaPaths() {
        return Topics.all(TopicSettings.singleBroker()).stream().map(t -> TopicSchemas.valueSchema(t.name())).toList();
    }

    private static List<Error> errors(Schema schema, JsonNode instance) {
        return schema.validate(instance);
    }

    private static JsonNode containerEvent(ContainerEvent event) {
        return tree(Serdes.containerEvent().serialize(Topics.CONTAINER_EVENTS, event));
    }

    private static JsonNode containerEntry(ContainerEntry entry) {
        return tree(Serdes.containerEntry().serialize(Topics.CONTAINER_STATE, entry));
    }

    private static JsonNode endpointStats(List<ContainerEntry> containers) {
        return tree(Serdes.endpointStats().serialize(Topics.ENDPOINT_STATS, EndpointStats.of("serve/sentiment", containers)));
    }

    private static JsonNode metricWindow(MetricWindow window) {
        return tree(Serdes.metricWindow().serialize(Topics.METRIC_WINDOWS, window));
    }

    private static JsonNode tree(byte[] json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code node} changed by {@code change}. */
    private static JsonNode with(JsonNode node, Consumer<ObjectNode> change) {
        ObjectNode copy = node.deepCopy();
        change.accept(copy);
        return copy;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private interface NodeVisitor {
        void visit(String pointer, JsonNode node);
    }

    /** Visits every object node of a schema document, with its JSON pointer. */
    private static void walk(JsonNode node, String pointer, NodeVisitor visitor) {
        if (node.isObject()) {
            visitor.visit(pointer, node);
            node.fields().forEachRemaining(field -> walk(field.getValue(), pointer + "/" + field.getKey(), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visitor);
            }
        }
    }

    /**
     * Records where a full sample and its schema disagree on field names: a field the sample writes
     * that the schema does not declare (only a schema-valued additionalProperties admits undeclared
     * names, as map keys), or a declared field the full sample lacks. Follows $ref within a
     * document and into {@code common.json}.
     */
    private static void compareFields(String document, JsonNode schema, JsonNode sample, String at, List<String> mismatches) {
        JsonNode ref = schema.get("$ref");
        if (ref != null) {
            String target = ref.asText();
            int hash = target.indexOf('#');
            String file = hash == 0 ? document : TopicSchemas.DIRECTORY + target.substring(0, hash);
            JsonNode resolved = tree(TopicSchemas.read(file)).at(target.substring(hash + 1));
            assertThat(resolved.isMissingNode()).as("%s resolves from %s", target, document).isFalse();
            compareFields(file, resolved, sample, at, mismatches);
            return;
        }
        if (sample.isArray()) {
            for (JsonNode item : sample) {
                compareFields(document, schema.path("items"), item, at + "[]", mismatches);
            }
            return;
        }
        if (!sample.isObject()) {
            return;
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = sample.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode declared = properties.get(field.getKey());
            if (declared != null) {
                compareFields(document, declared, field.getValue(), at + "/" + field.getKey(), mismatches);
            } else if (additional.isObject()) {
                compareFields(document, additional, field.getValue(), at + "/" + field.getKey(), mismatches);
            } else {
                mismatches.add("undeclared field " + at + "/" + field.getKey());
            }
        }
        properties.fieldNames().forEachRemaining(name -> {
            if (!sample.has(name)) {
                mismatches.add("declared field missing from the full sample " + at + "/" + name);
            }
        });
    }
}
