package io.servingmonitor.topics;

/**
 * Deployment-dependent topic settings: how many partitions new topics get (more than one, so a
 * deployment can add instances without re-creating topics) and their replication factor (1 for
 * the embedded single broker, 3 on a cluster).
 */
public record TopicSettings(int partitions, short replicationFactor) {

    public static final int DEFAULT_PARTITIONS = 6;

    public TopicSettings {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1");
        }
    }

    public static TopicSettings singleBroker() {
        return new TopicSettings(DEFAULT_PARTITIONS, (short) 1);
    }
}
