package io.servingmonitor.processor.metrics;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.endpoints.EndpointUpdate;
import io.servingmonitor.processor.endpoints.EndpointUpdates;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.MetricWindow;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import io.servingmonitor.topics.WindowAggregate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.internals.RocksDbIndexedTimeOrderedWindowBytesStoreSupplier;

/**
 * Windowed metric aggregates per container of an endpoint, at every {@link MetricResolution} of
 * the configuration.
 *
 * <p>The endpoint updates that carry a status report's metric values are aggregated, per
 * {@link EndpointContainerKey} and resolution, into tumbling windows (aligned to the epoch) of
 * the window store {@link MetricResolution#storeName()}: one small {@link ContainerSample} per
 * container and window (binary, {@link ContainerSample#CODEC}), so a
 * report changes one record per resolution whatever the number of containers on its url. The
 * store accepts reports up to the configured grace after a window's end and keeps windows for
 * the resolution's retention (at least window + grace); one endpoint's containers share a
 * partition and a key range ({@link EndpointContainerKey#rangeStart}), which a chart reads.
 *
 * <p>Once a window closes it is published to {@link Topics#METRIC_WINDOWS} as a
 * {@link MetricWindow} of that one container, keyed by its endpoint. Closing uses Kafka Streams'
 * emit-on-window-close, which finds closed windows in a time-ordered store: no in-memory buffer.
 * Lateness is judged per resolution: a report too late for its 10 s window may still count in
 * the open 5 min window.
 */
public final class MetricWindows {

    /** The node keeping the updates that carry a report's metric values. */
    public static final String REPORTS = "metric-reports";

    /** Suffixes of the per-resolution node names, after {@link MetricResolution#storeName()}. */
    public static final String AGGREGATE_SUFFIX = "-aggregate";
    public static final String CLOSED_SUFFIX = "-closed";
    public static final String WINDOWS_SUFFIX = "-windows";
    public static final String SINK_SUFFIX = "-sink";

    private MetricWindows() {
    }

    /** Adds the metric windows of every resolution of {@code config}, fed by the endpoint {@code updates}. */
    public static void addTo(KStream<EndpointContainerKey, EndpointUpdate> updates, ProcessorConfig config) {
        KGroupedStream<EndpointContainerKey, EndpointUpdate> reports = updates
                .filter((key, update) -> update != null && update.hasMetrics() && key.containerId() != null,
                        Named.as(REPORTS))
                .groupByKey(Grouped.with(Serdes.endpointContainerKey(), EndpointUpdates.updateSerde()));
        List<MetricResolution> resolutions = config.resolutions();
        for (int i = 0; i < resolutions.size(); i++) {
            KStream<Windowed<EndpointContainerKey>, ContainerSample> closed =
                    addResolution(reports, resolutions.get(i), config.metricGrace());
            if (i == resolutions.size() - 1 && !config.rollups().isEmpty()) {
                closed.process(MetricRollups.supplier(config.rollups()), Named.as(MetricRollups.PROCESSOR));
            }
        }
    }

    /** Adds one resolution's windows and their publication when closed; returns the closed windows. */
    private static KStream<Windowed<EndpointContainerKey>, ContainerSample> addResolution(
            KGroupedStream<EndpointContainerKey, EndpointUpdate> reports, MetricResolution resolution, Duration grace) {
        String name = resolution.storeName();
        long resolutionSec = resolution.windowSeconds();
        KStream<Windowed<EndpointContainerKey>, ContainerSample> closed = reports
                .windowedBy(TimeWindows.ofSizeAndGrace(resolution.window(), grace))
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(
                        () -> ContainerSample.EMPTY,
                        (key, update, sample) -> sample.merge(update.report()),
                        Named.as(name + AGGREGATE_SUFFIX),
                        Materialized.<EndpointContainerKey, ContainerSample>as(storeSupplier(resolution, grace))
                                .withKeySerde(Serdes.endpointContainerKey())
                                .withValueSerde(Serdes.containerSample())
                                // Uncached: a query sees every report at once.
                                .withCachingDisabled())
                .toStream(Named.as(name + CLOSED_SUFFIX));
        closed.map((window, sample) -> KeyValue.pair(window.key().endpoint(), new MetricWindow(
                        window.key().company(), window.key().url(), resolutionSec,
                        window.window().start(), window.window().end(),
                        new WindowAggregate(Map.of(window.key().containerId(), sample)))), Named.as(name + WINDOWS_SUFFIX))
                .to(Topics.METRIC_WINDOWS, Produced.with(Serdes.endpointKey(), Serdes.metricWindow()).withName(name + SINK_SUFFIX));
        return closed;
    }

    /**
     * The window store of a resolution: time-ordered, as emit-on-window-close needs (closed
     * windows are one range of time), <em>with</em> its key-ordered index. The DSL builds this
     * store without the index for tumbling windows, and then a chart's key-range read of one
     * endpoint scans the windows of every container of the partition in its time range: its cost
     * grew with the fleet (charts 2-3x slower at 100,000 containers than at 10,000). With the
     * index a chart reads only its endpoint's windows; each put writes the index entry too (one
     * more local RocksDB write, no more records to Kafka: the changelog is unchanged). Kafka
     * Streams offers the indexed store only through this supplier, which it uses itself for
     * sliding windows.
     */
    public static WindowBytesStoreSupplier storeSupplier(MetricResolution resolution, Duration grace) {
        return RocksDbIndexedTimeOrderedWindowBytesStoreSupplier.create(resolution.storeName(),
                storeRetention(resolution, grace), resolution.window(), false, true);
    }

    /** The retention of a resolution's window store: as configured, but never less than window + grace (Streams requires it). */
    public static Duration storeRetention(MetricResolution resolution, Duration grace) {
        Duration minimum = resolution.window().plus(grace);
        return resolution.retention().compareTo(minimum) >= 0 ? resolution.retention() : minimum;
    }
}
