package io.servingmonitor.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.servingmonitor.topics.Json;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ClearML schema of one service as the API is built to it: the server's own
 * {@code spec/<service>.conf} (with the {@code _workers_common.conf} it includes), copied from
 * ClearML's server and parsed as HOCON. The definitions and every action's request and response
 * are given as JSON Schema, with ClearML's {@code #/definitions/X} references turned into
 * OpenAPI's {@code #/components/schemas/X}.
 *
 * <p>One quirk of the original is smoothed over: a {@code properties} entry that is not an object
 * (ClearML's {@code total { properties { description: ... } }} of the metrics history) is the
 * description of its schema, not a field.
 *
 * @param definitions the {@code _definitions}, by name (with those of the included files)
 * @param actions     the actions by full name ({@code serving.get_endpoints}), sorted
 */
public record ClearMlSchema(String service, Map<String, ObjectNode> definitions, Map<String, Action> actions) {

    /** Where the schema files are, on the classpath. */
    public static final String RESOURCE_FOLDER = "spec/";

    /**
     * One action at its version.
     *
     * @param name     {@code service.action}
     * @param version  the version the schema defines it at (e.g. "2.31")
     * @param request  the request body's schema
     * @param response the schema of the envelope's {@code data}
     */
    public record Action(String name, String version, String description, ObjectNode request, ObjectNode response) {
    }

    /** {@code spec/<service>.conf} from the classpath. */
    public static ClearMlSchema load(String service) {
        Config config = ConfigFactory.parseResources(ClearMlSchema.class.getClassLoader(),
                RESOURCE_FOLDER + service + ".conf").resolve();
        if (config.isEmpty()) {
            throw new IllegalStateException("no schema " + RESOURCE_FOLDER + service + ".conf on the classpath");
        }
        Map<String, ObjectNode> definitions = new TreeMap<>();
        Map<String, Action> actions = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> entry : config.root().entrySet()) {
            String key = entry.getKey();
            if (key.equals("_definitions")) {
                ((ConfigObject) entry.getValue()).forEach((name, value) -> definitions.put(name, schema(value)));
            } else if (!key.startsWith("_")) {
                ConfigObject versions = (ConfigObject) entry.getValue();
                if (versions.size() != 1) {
                    throw new IllegalStateException(key + ": one version expected, found " + versions.keySet());
                }
                String version = versions.keySet().iterator().next();
                ObjectNode action = schema(versions.get(version));
                String name = service + "." + key;
                actions.put(name, new Action(name, version, action.path("description").asText(null),
                        (ObjectNode) action.get("request"), (ObjectNode) action.get("response")));
            }
        }
        // Sorted by name, so that the document lists them in a stable order.
        return new ClearMlSchema(service, Collections.unmodifiableMap(definitions), Collections.unmodifiableMap(actions));
    }

    private static ObjectNode schema(ConfigValue value) {
        try {
            ObjectNode node = (ObjectNode) Json.mapper().readTree(value.render(ConfigRenderOptions.concise()));
            normalize(node);
            return node;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void normalize(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith("#/definitions/")) {
                object.put("$ref", "#/components/schemas/" + ref.asText().substring("#/definitions/".length()));
            }
            if (object.get("properties") instanceof ObjectNode properties) {
                for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> property = it.next();
                    if (!property.getValue().isObject()) {
                        if (property.getKey().equals("description") && !object.has("description")) {
                            object.set("description", property.getValue());
                        }
                        it.remove();
                    }
                }
            }
        }
        node.forEach(ClearMlSchema::normalize);
    }
}
