package io.servingmonitor.query;

import io.servingmonitor.topics.EndpointStats;
import java.util.Comparator;
import java.util.List;

/**
 * Joins the answers that several partitions (of one or several instances) gave to one read.
 * Partitions split the keys, so a row is in exactly one part: the lists are concatenated and
 * sorted as a single instance sorts them.
 */
final class QueryMerge {

    private QueryMerge() {
    }

    /** {@code get_endpoints}: every part's rows, by url (each part is sorted already: one part is the answer). */
    static EndpointsResponse endpoints(List<EndpointsResponse> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new EndpointsResponse(parts.stream()
                .flatMap(part -> part.endpoints().stream())
                .sorted(Comparator.comparing(EndpointStats::url))
                .toList());
    }

    /** {@code get_loading_instances}: every part's containers, by id (each part is sorted already: one part is the answer). */
    static LoadingInstancesResponse loadingInstances(List<LoadingInstancesResponse> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new LoadingInstancesResponse(parts.stream()
                .flatMap(part -> part.instances().stream())
                .sorted(Comparator.comparing(LoadingInstance::id))
                .toList());
    }

    /** A keyed read: one partition, one answer. */
    static <T> T single(List<T> parts) {
        if (parts.size() != 1) {
            throw new IllegalStateException("a keyed read got " + parts.size() + " answers");
        }
        return parts.get(0);
    }
}
