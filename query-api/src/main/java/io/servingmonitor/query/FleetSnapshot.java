package io.servingmonitor.query;

import java.util.List;
import java.util.Map;

/**
 * The fleet figures of the store partitions one instance holds as active, for its Prometheus
 * gauges: per endpoint what its {@code get_endpoints} row says, per company how many containers
 * are loading, and how many endpoints were left out by the cap. Another instance holds the other
 * partitions and reports them itself (every endpoint and every loading container is in exactly one
 * active partition), so the sum over all instances is the whole fleet.
 *
 * @param endpoints        the largest endpoints (by instances, then requests), at most the cap
 * @param loadingByCompany live containers without url, per company that has any
 * @param droppedEndpoints live endpoints held here that the cap left out
 */
public record FleetSnapshot(List<Endpoint> endpoints, Map<String, Integer> loadingByCompany, int droppedEndpoints) {

    public static final FleetSnapshot EMPTY = new FleetSnapshot(List.of(), Map.of(), 0);

    public FleetSnapshot {
        endpoints = List.copyOf(endpoints);
        loadingByCompany = Map.copyOf(loadingByCompany);
    }

    /**
     * One endpoint's gauges, as in its {@code get_endpoints} row.
     *
     * @param requests    the sum of its containers' cumulative request counters (orders the cap)
     * @param requestsMin the mean requests per minute of its containers
     * @param latencyMs   the mean latency of its containers
     */
    public record Endpoint(String company, String url, int instances, long requests, double requestsMin,
                           long latencyMs) {
    }
}
