package io.servingmonitor.topics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.Comparator;

/**
 * One row of {@code serving.get_endpoints} (the ClearML {@code endpoint_stats}), also published on
 * {@link Topics#ENDPOINT_STATS}. Computed from the live containers of one url by {@link #of}.
 */
public record EndpointStats(
        String endpoint,
        String model,
        String url,
        int instances,
        long uptimeSec,
        long requests,
        double requestsMin,
        long latencyMs,
        String lastUpdate) {

    /** The container whose name and model stand for the endpoint: the one heard from last (ties: highest id). */
    public static final Comparator<ContainerEntry> MOST_RECENT = Comparator
            .comparingLong(ContainerEntry::lastActivityMs)
            .thenComparing(ContainerEntry::containerId);

    /**
     * The row for {@code url} from its live containers (at least one): instances counted, uptime
     * the max, requests the sum of the cumulative counters, requests per minute the mean to two
     * decimals, latency the mean rounded half-up to an integer, last update the latest activity.
     * Means are over the containers that reported the figure (as ClearML does): a container that
     * registered but has not reported yet does not pull them towards zero. No report at all: 0.
     */
    public static EndpointStats of(String url, Collection<ContainerEntry> containers) {
        if (containers.isEmpty()) {
            throw new IllegalArgumentException("an endpoint row needs at least one container");
        }
        ContainerEntry representative = containers.stream().max(MOST_RECENT).orElseThrow();
        long uptime = 0;
        long requests = 0;
        double requestsMinSum = 0;
        int requestsMinCount = 0;
        double latencySum = 0;
        int latencyCount = 0;
        long lastActivity = Long.MIN_VALUE;
        for (ContainerEntry c : containers) {
            LoadReport load = c.load();
            uptime = Math.max(uptime, orZero(load.uptimeSec()));
            requests += orZero(load.requestsNum());
            if (load.requestsMin() != null) {
                requestsMinSum += load.requestsMin();
                requestsMinCount++;
            }
            if (load.latencyMs() != null) {
                latencySum += load.latencyMs();
                latencyCount++;
            }
            lastActivity = Math.max(lastActivity, c.lastActivityMs());
        }
        return new EndpointStats(
                representative.model().endpointName(),
                representative.model().modelName(),
                url,
                containers.size(),
                uptime,
                requests,
                requestsMinCount == 0 ? 0 : round2(requestsMinSum / requestsMinCount),
                latencyCount == 0 ? 0 : Math.round(latencySum / latencyCount),
                IsoTime.format(lastActivity));
    }

    /** Half-up rounding to two decimals, as every fractional figure of the API is given. */
    public static double round2(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return 0;
        }
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).doubleValue();
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
