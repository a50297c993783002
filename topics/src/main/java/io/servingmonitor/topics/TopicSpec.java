package io.servingmonitor.topics;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a topic must look like: its name, partition count, replication factor and the topic
 * configs that matter to its readers (cleanup policy, retention). Declared once in {@link Topics}
 * and used both to create topics and to check existing ones.
 *
 * @param alignable the keys of {@code configs} that are safe to change on a live topic (they only
 *                  decide how new records are written): {@link TopicAdmin} sets them on an
 *                  existing topic that differs instead of refusing it
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs,
                        Set<String> alignable) {

    /** A spec none of whose configs is changed on an existing topic. */
    public TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {
        this(name, partitions, replicationFactor, configs, Set.of());
    }

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1 for topic " + name);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1 for topic " + name);
        }
        configs = Map.copyOf(configs);
        alignable = Set.copyOf(alignable);
        if (!configs.keySet().containsAll(alignable)) {
            throw new IllegalArgumentException("alignable configs " + alignable + " of topic " + name + " are not all declared");
        }
    }
}
