package io.servingmonitor.query;

import io.servingmonitor.api.ApiException;
import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.endpoints.EndpointInstances;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.IsoTime;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.ModelInfo;
import io.servingmonitor.topics.WindowAggregate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The four read actions (and whether a container is registered) answered from the stores this instance holds (DESIGN.md sections 2 and 3),
 * never from another instance: {@link QueryRouter} decides where a read runs. A container past its
 * expiry is never returned, even before the registry's punctuator removed it: every read filters by
 * "now" (the clock, or the {@code nowMs} of the instance that received the call, so that the parts
 * of one answer read on several instances agree).
 */
public final class ServingQueries {

    private static final StringSerializer PREFIX_SERIALIZER = new StringSerializer();

    private final StoreLookup stores;
    private final List<MetricResolution> resolutions;
    private final QueryConfig config;
    private final Clock clock;

    /**
     * @param resolutions the stored metric resolutions, finest first
     */
    public ServingQueries(StoreLookup stores, List<MetricResolution> resolutions, QueryConfig config, Clock clock) {
        this.stores = stores;
        this.resolutions = List.copyOf(resolutions);
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
        return new ServingQueries(stores.partition(partition, includeStandby), resolutions, config, clock);
    }

    /** {@code get_endpoints}: one row per url among the company's live containers. */
    public EndpointsResponse endpoints(String company) {
        return endpoints(company, now());
    }

    /** {@code get_endpoints} at {@code now} (epoch ms). */
    public EndpointsResponse endpoints(String company, long now) {
        List<EndpointStats> rows = new ArrayList<>();
        try (KeyValueIterator<EndpointKey, EndpointInstances> it =
                     stores.endpoints().prefixScan(EndpointKey.companyPrefix(company), PREFIX_SERIALIZER)) {
            while (it.hasNext()) {
                KeyValue<EndpointKey, EndpointInstances> next = it.next();
                List<ContainerEntry> live = next.value.live(now);
                if (!live.isEmpty()) {
                    rows.add(EndpointStats.of(next.key.url(), live));
                }
            }
        }
        rows.sort(Comparator.comparing(EndpointStats::url));
        return new EndpointsResponse(rows);
    }

    /** {@code get_loading_instances}: the company's live containers that have no url yet. */
    public LoadingInstancesResponse loadingInstances(String company) {
        return loadingInstances(company, now());
    }

    /** {@code get_loading_instances} at {@code now} (epoch ms). */
    public LoadingInstancesResponse loadingInstances(String company, long now) {
        List<LoadingInstance> rows = new ArrayList<>();
        try (KeyValueIterator<ContainerKey, ContainerEntry> it =
                     stores.registry().prefixScan(ContainerKey.companyPrefix(company), PREFIX_SERIALIZER)) {
            while (it.hasNext()) {
                ContainerEntry c = it.next().value;
                if (c.url() == null && c.isLiveAt(now)) {
                    rows.add(loadingInstance(c, now));
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
     * {@code get_endpoint_details} at {@code now} (epoch ms).
     *
     * @throws ApiException 400/1052 when no live container serves {@code url}
     */
    public EndpointDetails endpointDetails(String company, String url, long now) {
        EndpointInstances instances = stores.endpoints().get(new EndpointKey(company, url));
        List<ContainerEntry> live = instances == null ? List.of() : instances.live(now);
        if (live.isEmpty()) {
            throw ApiException.noInstances(url);
        }
        ContainerEntry representative = live.stream().max(EndpointStats.MOST_RECENT).orElseThrow();
        ModelInfo model = representative.model();
        long uptime = live.stream().mapToLong(c -> orZero(c.load().uptimeSec())).max().orElse(0);
        long lastActivity = live.stream().mapToLong(ContainerEntry::lastActivityMs).max().orElseThrow();
        List<InstanceDetails> rows = live.stream().map(ServingQueries::instanceDetails).toList();
        return new EndpointDetails(model.endpointName(), model.modelName(), url, model.preprocessArtifact(),
                model.inputType(), model.inputSize(), model.modelSource(), model.modelVersion(),
                uptime, IsoTime.format(lastActivity), rows);
    }

    /**
     * Whether {@code containerId} of {@code company} is registered and live at {@code now} (epoch ms):
     * a keyed read of the registry, for the strict registration modes of the ingest.
     */
    public ContainerRegistration containerRegistered(String company, String containerId, long now) {
        ContainerEntry entry = stores.registry().get(new ContainerKey(company, containerId));
        return new ContainerRegistration(entry != null && entry.isLiveAt(now));
    }

    /** {@code get_endpoint_metrics_history}, read from the stored windows of the planned resolution. */
    public MetricsHistoryResponse metricsHistory(String company, MetricsHistoryRequest request) {
        return metricsHistory(company, request, now());
    }

    /** {@code get_endpoint_metrics_history} planned at {@code now} (epoch ms). */
    public MetricsHistoryResponse metricsHistory(String company, MetricsHistoryRequest request, long now) {
        HistoryPlan plan = plan(request, now);
        List<TimedAggregate> windows = new ArrayList<>();
        if (plan.fetchToMs() >= plan.fetchFromMs()) {
            EndpointKey key = new EndpointKey(company, request.endpointUrl());
            try (WindowStoreIterator<WindowAggregate> it = stores.metrics(plan.resolution()).fetch(
                    key, Instant.ofEpochMilli(plan.fetchFromMs()), Instant.ofEpochMilli(plan.fetchToMs()))) {
                while (it.hasNext()) {
                    KeyValue<Long, WindowAggregate> next = it.next();
                    windows.add(new TimedAggregate(next.key, next.value));
                }
            }
        }
        return MetricsHistory.compute(plan, request, windows);
    }

    /** How {@code request} is answered at {@code now}: in particular which resolution's store is read. */
    public HistoryPlan plan(MetricsHistoryRequest request, long now) {
        return HistoryPlan.of(request, resolutions, config, now);
    }

    private static LoadingInstance loadingInstance(ContainerEntry c, long now) {
        ModelInfo m = c.model();
        return new LoadingInstance(c.containerId(), m.endpointName(), m.endpointUrl(), m.modelName(),
                m.modelSource(), m.modelVersion(), m.preprocessArtifact(), m.inputType(), m.inputSize(),
                orZero(c.load().uptimeSec()), Math.max(0, (now - c.registeredAtMs()) / 1000),
                IsoTime.format(c.lastActivityMs()));
    }

    private static InstanceDetails instanceDetails(ContainerEntry c) {
        LoadReport load = c.load();
        MachineStats stats = load.machineStats();
        int cpuCount = stats == null || stats.cpuUsage() == null ? 0 : stats.cpuUsage().size();
        int gpuCount = stats == null || stats.gpuUsage() == null ? 0 : stats.gpuUsage().size();
        return new InstanceDetails(c.containerId(), orZero(load.uptimeSec()), orZero(load.requestsNum()),
                load.requestsMin() == null ? 0 : EndpointStats.round2(load.requestsMin()),
                orZero(load.latencyMs()), IsoTime.format(c.lastActivityMs()),
                c.model().reference() == null ? List.of() : c.model().reference(), cpuCount, gpuCount);
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
