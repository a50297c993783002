package io.servingmonitor.topics;

import java.util.Map;
import java.util.Objects;

/**
 * What a topic must look like: its name, partition count, replication factor and the topic
 * configs that matter to its readers (cleanup policy, retention). Declared once in {@link Topics}
 * and used both to create topics and to check existing ones.
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1 for topic " + name);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1 for topic " + name);
        }
        configs = Map.copyOf(configs);
    }
}
