package io.servingmonitor.query;

import io.servingmonitor.api.ApiException;
import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.endpoints.EndpointMember;
import io.servingmonitor.processor.endpoints.EndpointSummary;
import io.servingmonitor.processor.registry.LoadingEntry;
import io.servingmonitor.processor.registry.RegistryEntry;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.IsoTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The four read actions (and whether a container is registered) answered from the stores this instance holds (DESIGN.md sections 2 and 3),
 * never from another instance: {@link QueryRouter} decides where a read runs. A container past its
 * expiry is never returned, even before the registry's punctuator removed it: every read filters by
 * "now" (the clock, or the {@code nowMs} of the instance that received the call, so that the parts
 * of one answer read on several instances agree).
 */
public final class ServingQueries {

    private static final ByteArraySerializer PREFIX = new ByteArraySerializer();

    /** The container that stands for an endpoint: the one heard from last (ties: highest id). */
    private static final Comparator<EndpointMember> MOST_RECENT = Comparator
            .comparingLong(EndpointMember::lastActivityMs).thenComparing(EndpointMember::containerId);

    private final StoreLookup stores;
    /** Of the reports, finest first. */
    private final List<MetricResolution> resolutions;
    private final List<MetricResolution> rollups;
    /** Both, finest first: what a chart may read. */
    private final List<MetricResolution> stored;
    private final QueryConfig config;
    private final Clock clock;

    /**
     * @param resolutions the stored metric resolutions of the reports, finest first (no rollups)
     */
    public ServingQueries(StoreLookup stores, List<MetricResolution> resolutions, QueryConfig config, Clock clock) {
        this(stores, resolutions, List.of(), config, clock);
    }

    /**
     * @param resolutions the stored metric resolutions of the reports
     * @param rollups     the stored rollups, built from closed windows (read only by charts the
     *                    resolutions of the reports cannot serve; see {@link HistoryPlan#of})
     */
    public ServingQueries(StoreLookup stores, List<MetricResolution> resolutions, List<MetricResolution> rollups,
                          QueryConfig config, Clock clock) {
        this.stores = stores;
        this.resolutions = List.copyOf(resolutions);
        this.rollups = List.copyOf(rollups);
        List<MetricResolution> all = new ArrayList<>(resolutions);
        all.addAll(rollups);
        this.stored = ProcessorConfig.finestFirst(all);
        this.config = config;
        this.clock = clock;
    }

    /** "Now" for reads, epoch ms. */
    public long now() {
        return clock.millis();
    }

    /**
     * The same reads over partition {@code partition} of this instance's stores only (with
     * {@code includeStandby}, also from a standby copy, which may lag); a partition not held here
     * fails with an {@code InvalidStateStoreException}.
     */
    public ServingQueries onPartition(int partition, boolean includeStandby) {
        return new ServingQueries(stores.partition(partition, includeStandby), resolutions, rollups, config, clock);
    }

    /** {@code get_endpoints}: one row per url among the company's live containers. */
    public EndpointsResponse endpoints(String company) {
        return endpoints(company, now());
    }

    /**
     * {@code get_endpoints} at {@code now} (epoch ms): the company's endpoint summaries, one prefix
     * scan; only an endpoint with a container past its expiry (not yet removed) is made again from
     * its live containers.
     */
    public EndpointsResponse endpoints(String company, long now) {
        List<EndpointStats> rows = new ArrayList<>();
        try (KeyValueIterator<EndpointKey, EndpointSummary> it =
                     stores.endpointSummaries().prefixScan(EndpointKey.companyPrefix(company), PREFIX)) {
            while (it.hasNext()) {
                KeyValue<EndpointKey, EndpointSummary> next = it.next();
                EndpointStats row = liveRow(next.key, next.value, now);
                if (row != null) {
                    rows.add(row);
                }
            }
        }
        rows.sort(Comparator.comparing(EndpointStats::url));
        return new EndpointsResponse(rows);
    }

    /**
     * The fleet figures of every company in the stores this lookup reads (with the instance's
     * lookup: every partition it holds as active, never standbys, so that no endpoint is counted
     * on two instances), at {@code now} (epoch ms). One scan of the endpoint summaries (one small
     * value per endpoint, not per container) and one of the loading containers; only the
     * {@code maxEndpoints} largest endpoints (by instances, then requests) are kept in memory.
     *
     * @param maxEndpoints at least 1
     */
    public FleetSnapshot fleet(long now, int maxEndpoints) {
        if (maxEndpoints < 1) {
            throw new IllegalArgumentException("maxEndpoints must be at least 1, not " + maxEndpoints);
        }
        PriorityQueue<FleetSnapshot.Endpoint> largest = new PriorityQueue<>(LARGEST.reversed());
        int dropped = 0;
        try (KeyValueIterator<EndpointKey, EndpointSummary> it = stores.endpointSummaries().all()) {
            while (it.hasNext()) {
                KeyValue<EndpointKey, EndpointSummary> next = it.next();
                EndpointStats row = liveRow(next.key, next.value, now);
                if (row == null) {
                    continue;
                }
                largest.add(new FleetSnapshot.Endpoint(next.key.company(), row.url(), row.instances(), row.requests(),
                        row.requestsMin(), row.latencyMs()));
                if (largest.size() > maxEndpoints) {
                    largest.poll();
                    dropped++;
                }
            }
        }
        Map<String, Integer> loading = new TreeMap<>();
        try (KeyValueIterator<ContainerKey, LoadingEntry> it = stores.loading().all()) {
            while (it.hasNext()) {
                KeyValue<ContainerKey, LoadingEntry> next = it.next();
                if (next.value.isLiveAt(now)) {
                    loading.merge(next.key.company(), 1, Integer::sum);
                }
            }
        }
        List<FleetSnapshot.Endpoint> kept = new ArrayList<>(largest);
        kept.sort(LARGEST);
        return new FleetSnapshot(kept, loading, dropped);
    }

    /** Largest first: most instances, then most requests; ties by company and url, so the cap is deterministic. */
    private static final Comparator<FleetSnapshot.Endpoint> LARGEST = Comparator
            .comparingInt(FleetSnapshot.Endpoint::instances).reversed()
            .thenComparing(Comparator.comparingLong(FleetSnapshot.Endpoint::requests).reversed())
            .thenComparing(FleetSnapshot.Endpoint::company)
            .thenComparing(FleetSnapshot.Endpoint::url);

    /**
     * The {@code get_endpoints} row of {@code endpoint} at {@code now}, or null when none of its
     * containers is live: from its summary, or made again from its live containers when one of
     * those counted is past its expiry (not yet removed).
     */
    private EndpointStats liveRow(EndpointKey endpoint, EndpointSummary summary, long now) {
        if (summary.allLiveAt(now)) {
            return summary.toRow(endpoint.url());
        }
        List<EndpointMember> live = liveMembers(endpoint, now);
        return live.isEmpty() ? null : EndpointSummary.of(live, EndpointSummary.minExpiry(live)).toRow(endpoint.url());
    }

    /** {@code get_loading_instances}: the company's live containers that have no url yet. */
    public LoadingInstancesResponse loadingInstances(String company) {
        return loadingInstances(company, now());
    }

    /** {@code get_loading_instances} at {@code now} (epoch ms): one prefix scan of the loading containers. */
    public LoadingInstancesResponse loadingInstances(String company, long now) {
        List<LoadingInstance> rows = new ArrayList<>();
        try (KeyValueIterator<ContainerKey, LoadingEntry> it =
                     stores.loading().prefixScan(ContainerKey.companyPrefix(company), PREFIX)) {
            while (it.hasNext()) {
                KeyValue<ContainerKey, LoadingEntry> next = it.next();
                if (next.value.isLiveAt(now)) {
                    rows.add(loadingInstance(next.key.containerId(), next.value, now));
                }
            }
        }
        rows.sort(Comparator.comparing(LoadingInstance::id));
        return new LoadingInstancesResponse(rows);
    }

    /**
     * {@code get_endpoint_details}.
     *
     * @throws ApiException 400/1052 when no live container serves {@code url}
     */
    public EndpointDetails endpointDetails(String company, String url) {
        return endpointDetails(company, url, now());
    }

    /**
     * {@code get_endpoint_details} at {@code now} (epoch ms): one prefix scan of the endpoint's containers.
     *
     * @throws ApiException 400/1052 when no live container serves {@code url}
     */
    public EndpointDetails endpointDetails(String company, String url, long now) {
        List<EndpointMember> live = liveMembers(new EndpointKey(company, url), now);
        if (live.isEmpty()) {
            throw ApiException.noInstances(url);
        }
        EndpointMember representative = live.stream().max(MOST_RECENT).orElseThrow();
        long uptime = live.stream().mapToLong(EndpointMember::uptimeOrZero).max().orElse(0);
        long lastActivity = live.stream().mapToLong(EndpointMember::lastActivityMs).max().orElseThrow();
        List<InstanceDetails> rows = live.stream().map(ServingQueries::instanceDetails).toList();
        return new EndpointDetails(representative.endpointName(), representative.modelName(), url,
                representative.preprocessArtifact(), representative.inputType(), representative.inputSize(),
                representative.modelSource(), representative.modelVersion(),
                uptime, IsoTime.format(lastActivity), rows);
    }

    /**
     * Whether {@code containerId} of {@code company} is registered and live at {@code now} (epoch ms):
     * a keyed read of the registry, for the strict registration modes of the ingest.
     */
    public ContainerRegistration containerRegistered(String company, String containerId, long now) {
        RegistryEntry entry = stores.registry().get(new ContainerKey(company, containerId));
        return new ContainerRegistration(entry != null && entry.isLiveAt(now));
    }

    /** {@code get_endpoint_metrics_history}, read from the stored windows of the planned resolution. */
    public MetricsHistoryResponse metricsHistory(String company, MetricsHistoryRequest request) {
        return metricsHistory(company, request, now());
    }

    /**
     * {@code get_endpoint_metrics_history} planned at {@code now} (epoch ms): one range read of the
     * endpoint's containers' windows in the planned time range, at the planned resolution.
     */
    public MetricsHistoryResponse metricsHistory(String company, MetricsHistoryRequest request, long now) {
        HistoryPlan plan = plan(request, now);
        MetricsHistory.Collector chart = MetricsHistory.collector(plan, request);
        if (plan.fetchToMs() >= plan.fetchFromMs()) {
            EndpointKey endpoint = new EndpointKey(company, request.endpointUrl());
            try (KeyValueIterator<Windowed<EndpointContainerKey>, ContainerSample> it = stores.metrics(plan.resolution()).fetch(
                    EndpointContainerKey.rangeStart(endpoint), EndpointContainerKey.rangeEnd(endpoint),
                    Instant.ofEpochMilli(plan.fetchFromMs()), Instant.ofEpochMilli(plan.fetchToMs()))) {
                while (it.hasNext()) {
                    KeyValue<Windowed<EndpointContainerKey>, ContainerSample> next = it.next();
                    chart.add(next.key.window().start(), next.key.key().containerId(), next.value);
                }
            }
        }
        return chart.result();
    }

    /** The live containers of {@code endpoint} at {@code now}, by id. */
    private List<EndpointMember> liveMembers(EndpointKey endpoint, long now) {
        List<EndpointMember> live = new ArrayList<>();
        try (KeyValueIterator<EndpointContainerKey, EndpointMember> it =
                     stores.endpointMembers().prefixScan(EndpointContainerKey.endpointPrefix(endpoint), PREFIX)) {
            while (it.hasNext()) {
                EndpointMember member = it.next().value;
                if (member.isLiveAt(now)) {
                    live.add(member);
                }
            }
        }
        live.sort(Comparator.comparing(EndpointMember::containerId));
        return live;
    }

    /** How {@code request} is answered at {@code now}: in particular which resolution's store is read. */
    public HistoryPlan plan(MetricsHistoryRequest request, long now) {
        return HistoryPlan.of(request, stored, rollups, config, now);
    }

    private static LoadingInstance loadingInstance(String containerId, LoadingEntry c, long now) {
        return new LoadingInstance(containerId, c.endpointName(), null, c.modelName(),
                c.modelSource(), c.modelVersion(), c.preprocessArtifact(), c.inputType(), c.inputSize(),
                orZero(c.uptimeSec()), Math.max(0, (now - c.registeredAtMs()) / 1000),
                IsoTime.format(c.lastActivityMs()), c.region());
    }

    private static InstanceDetails instanceDetails(EndpointMember c) {
        return new InstanceDetails(c.containerId(), c.uptimeOrZero(), c.requestsOrZero(),
                c.requestsMin() == null ? 0 : EndpointStats.round2(c.requestsMin()),
                orZero(c.latencyMs()), IsoTime.format(c.lastActivityMs()), c.reference(), c.cpuCount(), c.gpuCount(),
                c.region());
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
