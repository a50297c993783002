package io.servingmonitor.launcher;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.servingmonitor.query.FleetSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet gauges of {@code GET /metrics}, labelled by {@code company} and {@code url}: per
 * endpoint its instances, mean requests per minute and mean latency (as its {@code get_endpoints}
 * row), per company its loading containers, and how many endpoints the cap left out.
 *
 * <p>Each node exports what its own active store partitions hold (every endpoint is in exactly one
 * of them), so Prometheus sums over the nodes for the whole fleet, and a scrape never reads another
 * node. The snapshot is read at most once per {@link #MAX_AGE}, when scraped: more scrapes within it
 * get the same figures. A snapshot that cannot be read (the stores are rebalancing or restoring)
 * exports no fleet series rather than figures that another node may now export too.
 */
final class FleetGauges {

    static final String INSTANCES = "serving.monitor.endpoint.instances";
    static final String REQUESTS_PER_MINUTE = "serving.monitor.endpoint.requests.per.minute";
    static final String LATENCY = "serving.monitor.endpoint.latency.ms";
    static final String LOADING = "serving.monitor.loading.instances";
    static final String DROPPED = "serving.monitor.endpoint.series.dropped";
    /** How long a snapshot is served before the stores are read again. */
    static final Duration MAX_AGE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(FleetGauges.class);

    private final Supplier<FleetSnapshot> read;
    private final MultiGauge instances;
    private final MultiGauge requestsPerMinute;
    private final MultiGauge latency;
    private final MultiGauge loading;
    private volatile FleetSnapshot current = FleetSnapshot.EMPTY;
    private long readAtNanos;
    private boolean everRead;

    /** @param read this node's snapshot (local active partitions only, at most the cap of endpoints) */
    FleetGauges(MeterRegistry registry, Supplier<FleetSnapshot> read) {
        this.read = read;
        instances = MultiGauge.builder(INSTANCES)
                .description("live containers of the endpoint (in this node's store partitions)").register(registry);
        requestsPerMinute = MultiGauge.builder(REQUESTS_PER_MINUTE)
                .description("mean requests per minute of the endpoint's containers, as get_endpoints' requests_min")
                .register(registry);
        latency = MultiGauge.builder(LATENCY)
                .description("mean latency in ms of the endpoint's containers, as get_endpoints' latency_ms")
                .register(registry);
        loading = MultiGauge.builder(LOADING)
                .description("live containers without url yet, per company (in this node's store partitions)")
                .register(registry);
        Gauge.builder(DROPPED, this, gauges -> gauges.current.droppedEndpoints())
                .description("live endpoints of this node left out of the endpoint gauges by --fleet-metrics-max-series")
                .register(registry);
    }

    /** Reads the snapshot again if the one exported is older than {@link #MAX_AGE}; call before each scrape. */
    synchronized void refresh() {
        long now = System.nanoTime();
        if (everRead && now - readAtNanos < MAX_AGE.toNanos()) {
            return;
        }
        FleetSnapshot snapshot;
        try {
            snapshot = read.get();
        } catch (RuntimeException e) {
            LOG.debug("fleet gauges not read this time: {}", e.toString());
            snapshot = FleetSnapshot.EMPTY;
        }
        everRead = true;
        readAtNanos = now;
        current = snapshot;
        instances.register(endpointRows(snapshot, FleetSnapshot.Endpoint::instances), true);
        requestsPerMinute.register(endpointRows(snapshot, FleetSnapshot.Endpoint::requestsMin), true);
        latency.register(endpointRows(snapshot, FleetSnapshot.Endpoint::latencyMs), true);
        List<MultiGauge.Row<?>> loadingRows = new ArrayList<>();
        for (Map.Entry<String, Integer> company : snapshot.loadingByCompany().entrySet()) {
            loadingRows.add(MultiGauge.Row.of(Tags.of("company", company.getKey()), company.getValue()));
        }
        loading.register(loadingRows, true);
    }

    private static List<MultiGauge.Row<?>> endpointRows(FleetSnapshot snapshot,
                                                        ToDoubleFunction<FleetSnapshot.Endpoint> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>(snapshot.endpoints().size());
        for (FleetSnapshot.Endpoint endpoint : snapshot.endpoints()) {
            rows.add(MultiGauge.Row.of(Tags.of("company", endpoint.company(), "url", endpoint.url()),
                    value.applyAsDouble(endpoint)));
        }
        return rows;
    }
}
