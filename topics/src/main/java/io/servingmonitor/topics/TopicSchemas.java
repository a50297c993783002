package io.servingmonitor.topics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Where the JSON Schemas (draft 2020-12) of the keys and values on our {@link Topics} are: for the
 * teams that read the topics, and for the tests that check every serialized record against them.
 *
 * <p>They are classpath resources of this module (files under {@code topics/src/main/resources/schemas/}
 * in the repository), named {@code <topic>.key.json} and {@code <topic>.value.json}. Value schemas
 * share definitions through the relative reference {@code common.json#/$defs/...}, so keep the
 * files together. Value schemas accept unknown fields (readers must ignore fields added later);
 * key schemas do not (a key never gains fields). A tombstone (a record without value) is not JSON
 * and so not described by a schema; each value schema says what a tombstone means on its topic.
 */
public final class TopicSchemas {

    /** The classpath folder of all schema files. */
    public static final String DIRECTORY = "schemas/";

    /** The definitions that several value schemas refer to. */
    public static final String COMMON = DIRECTORY + "common.json";

    private TopicSchemas() {
    }

    /** The classpath resource of the schema of {@code topic}'s keys. */
    public static String keySchema(String topic) {
        return DIRECTORY + known(topic) + ".key.json";
    }

    /** The classpath resource of the schema of {@code topic}'s values. */
    public static String valueSchema(String topic) {
        return DIRECTORY + known(topic) + ".value.json";
    }

    /** The text of a schema resource of this module, such as {@link #keySchema(String)} names. */
    public static String read(String resourcePath) {
        try (InputStream in = TopicSchemas.class.getClassLoader().getResourceAsStream(resourcePath)) {
            if (in == null) {
                throw new IllegalArgumentException("no schema resource " + resourcePath);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema resource " + resourcePath, e);
        }
    }

    private static String known(String topic) {
        boolean declared = Topics.all(TopicSettings.singleBroker()).stream().anyMatch(spec -> spec.name().equals(topic));
        if (!declared) {
            throw new IllegalArgumentException("no topic named " + topic + " is declared in Topics");
        }
        return topic;
    }
}
