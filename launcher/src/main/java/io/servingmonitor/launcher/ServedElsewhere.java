package io.servingmonitor.launcher;

import io.servingmonitor.api.ActionDefinition;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.ingest.IngestActions;
import io.servingmonitor.query.QueryActions;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The actions a node of one role leaves to nodes of the other: each is answered 404/0, as an
 * action this node does not have, with a message saying which nodes serve it; nothing is written
 * or read. Like every action they are authenticated first.
 */
final class ServedElsewhere {

    private ServedElsewhere() {
    }

    /** The write actions on a query node. */
    static List<ActionDefinition> writesOnAQueryNode() {
        return refused(IngestActions.NAMES, "this node serves reads only (query role); send writes to an ingest node");
    }

    /** The read actions on an ingest node. */
    static List<ActionDefinition> readsOnAnIngestNode() {
        return refused(QueryActions.NAMES, "this node serves writes only (ingest role); send reads to a query node");
    }

    private static List<ActionDefinition> refused(List<String> names, String why) {
        return names.stream()
                .map(name -> new ActionDefinition(name, IngestActions.VERSION,
                        request -> CompletableFuture.failedFuture(new ApiException(404, 0, name + " is not served here: " + why))))
                .toList();
    }
}
