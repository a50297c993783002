package io.servingmonitor.topics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Existing topics differ from their {@link TopicSpec}: wrong partition count, a lower replication
 * factor, or a declared config (cleanup policy, retention) with another value. The message names
 * every such topic and its differences in plain words, for example
 * {@code topic container-state: cleanup.policy is "delete", expected "compact"; partitions 3, expected 6}.
 *
 * <p>Kafka cannot shrink a topic or change its cleanup semantics safely under running readers, so
 * {@link TopicAdmin} never alters an existing topic: an operator fixes or re-creates it.
 */
public final class TopicMismatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Map<String, List<String>> differences;

    /**
     * @param differences for each mismatching topic, in declaration order, its differences in
     *     plain words (such as {@code partitions 3, expected 6}); not empty
     */
    public TopicMismatchException(Map<String, List<String>> differences) {
        super(message(differences));
        Map<String, List<String>> copy = new LinkedHashMap<>();
        differences.forEach((topic, list) -> copy.put(topic, List.copyOf(list)));
        this.differences = Collections.unmodifiableMap(copy);
    }

    /** For each mismatching topic, in declaration order, its differences in plain words. */
    public Map<String, List<String>> differences() {
        return differences;
    }

    private static String message(Map<String, List<String>> differences) {
        if (differences.isEmpty()) {
            throw new IllegalArgumentException("a topic mismatch needs at least one difference");
        }
        String topics = differences.entrySet().stream()
                .map(e -> "topic " + e.getKey() + ": " + String.join("; ", e.getValue()))
                .collect(Collectors.joining("\n  "));
        return "Existing Kafka topics differ from their declared settings (fix or re-create them):\n  " + topics;
    }
}
