package io.servingmonitor.launcher;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What one {@code serving-monitor} process serves, named by its command: {@code standalone}
 * (everything, with an embedded broker unless given a Kafka), {@code ingest} (the writes only,
 * stateless) or {@code query} (Kafka Streams and the reads). Nodes of every role of one deployment
 * share one Kafka, one credentials file and one token secret.
 */
public enum Role {

    STANDALONE(true, true, "everything in one process: writes, Kafka Streams and reads, with an embedded Kafka"
            + " broker unless --bootstrap-servers is given"),
    INGEST(true, false, "the write actions only: HTTP writes -> Kafka; no Kafka Streams, no state on disk;"
            + " against an external Kafka"),
    QUERY(false, true, "Kafka Streams and the read actions; writes are refused (they go to ingest nodes);"
            + " against an external Kafka");

    private final boolean takesWrites;
    private final boolean servesReads;
    private final String description;

    Role(boolean takesWrites, boolean servesReads, String description) {
        this.takesWrites = takesWrites;
        this.servesReads = servesReads;
        this.description = description;
    }

    /** The command that runs it: {@code standalone}, {@code ingest}, {@code query}. */
    public String command() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether its HTTP port takes the write actions (and so runs a Kafka producer). */
    public boolean takesWrites() {
        return takesWrites;
    }

    /** Whether it runs Kafka Streams and answers the read actions. */
    public boolean servesReads() {
        return servesReads;
    }

    /** One line for the usage text. */
    public String description() {
        return description;
    }

    /** The role a command names, if any. */
    public static Optional<Role> byCommand(String command) {
        return Arrays.stream(values()).filter(role -> role.command().equals(command)).findFirst();
    }
}
