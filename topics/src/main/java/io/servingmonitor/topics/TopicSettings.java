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

    /**
     * The replicas that must have a write before it is acknowledged ({@code min.insync.replicas}):
     * 2 from a replication factor of 3 up, so that an acknowledged write survives the loss of any
     * one broker while one broker may be down without stopping writes; 1 below (no choice there).
     */
    public int minInSyncReplicas() {
        return replicationFactor >= 3 ? 2 : 1;
    }

    public static TopicSettings singleBroker() {
        return new TopicSettings(DEFAULT_PARTITIONS, (short) 1);
    }
}
