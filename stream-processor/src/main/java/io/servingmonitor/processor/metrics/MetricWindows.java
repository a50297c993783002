package io.servingmonitor.processor.metrics;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.JsonSerde;
import io.servingmonitor.topics.MetricWindow;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import io.servingmonitor.topics.WindowAggregate;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Windowed metric aggregates per endpoint, with per-container detail, at every
 * {@link MetricResolution} of the configuration.
 *
 * <p>Each status report that names an endpoint url becomes a {@link MetricSample} keyed by its
 * {@link EndpointKey} at the report's event time, repartitioned by endpoint. Per resolution the
 * samples are aggregated into tumbling windows (aligned to the epoch) in the window store
 * {@link MetricResolution#storeName()}, which accepts reports up to the configured grace after a
 * window's end and keeps windows for the resolution's retention (at least window + grace). Once
 * a window closes it is published to {@link Topics#METRIC_WINDOWS} as a {@link MetricWindow}.
 * Lateness is judged per resolution: a report too late for its 10 s window may still count in
 * the open 5 min window.
 */
public final class MetricWindows {

    /** The node keeping the status reports that carry an endpoint url. */
    public static final String REPORTS_WITH_URL = "status-reports-with-url";

    /** The node re-keying a report as a sample of its endpoint. */
    public static final String SAMPLES = "metric-samples";

    /** The repartition by endpoint (topic {@code <application id>-metric-samples-by-url-repartition}). */
    public static final String REPARTITION = "metric-samples-by-url";

    /** Suffixes of the per-resolution node names, after {@link MetricResolution#storeName()}. */
    public static final String AGGREGATE_SUFFIX = "-aggregate";
    public static final String SUPPRESS_SUFFIX = "-until-closed";
    public static final String CLOSED_SUFFIX = "-closed";
    public static final String WINDOWS_SUFFIX = "-windows";
    public static final String SINK_SUFFIX = "-sink";

    private MetricWindows() {
    }

    /** Adds the metric windows of every resolution of {@code config}, fed by the container {@code events}. */
    public static void addTo(KStream<ContainerKey, ContainerEvent> events, ProcessorConfig config) {
        KGroupedStream<EndpointKey, MetricSample> samples = events
                .filter((key, event) -> event != null
                        && event.type() == ContainerEventType.STATUS_REPORT
                        && event.model() != null
                        && event.model().endpointUrl() != null, Named.as(REPORTS_WITH_URL))
                .map((key, event) -> KeyValue.pair(
                        new EndpointKey(event.company(), event.model().endpointUrl()),
                        new MetricSample(event.containerId(), event.load())), Named.as(SAMPLES))
                .repartition(Repartitioned.with(Serdes.endpointKey(), sampleSerde()).withName(REPARTITION))
                .groupByKey(Grouped.with(Serdes.endpointKey(), sampleSerde()));
        for (MetricResolution resolution : config.resolutions()) {
            addResolution(samples, resolution, config.metricGrace());
        }
    }

    private static void addResolution(KGroupedStream<EndpointKey, MetricSample> samples, MetricResolution resolution,
                                      Duration grace) {
        String name = resolution.storeName();
        long resolutionSec = resolution.windowSeconds();
        samples.windowedBy(TimeWindows.ofSizeAndGrace(resolution.window(), grace))
                .aggregate(
                        () -> WindowAggregate.EMPTY,
                        (key, sample, aggregate) -> aggregate.add(sample.containerId(), sample.load()),
                        Named.as(name + AGGREGATE_SUFFIX),
                        Materialized.<EndpointKey, WindowAggregate, WindowStore<Bytes, byte[]>>as(name)
                                .withKeySerde(Serdes.endpointKey())
                                .withValueSerde(Serdes.windowAggregate())
                                .withRetention(storeRetention(resolution, grace))
                                // Uncached: a query sees every report at once and never an expired
                                // window that a record cache would still hold.
                                .withCachingDisabled())
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName(name + SUPPRESS_SUFFIX))
                .toStream(Named.as(name + CLOSED_SUFFIX))
                .map((window, aggregate) -> KeyValue.pair(window.key(), new MetricWindow(
                        window.key().company(), window.key().url(), resolutionSec,
                        window.window().start(), window.window().end(), aggregate)), Named.as(name + WINDOWS_SUFFIX))
                .to(Topics.METRIC_WINDOWS, Produced.with(Serdes.endpointKey(), Serdes.metricWindow()).withName(name + SINK_SUFFIX));
    }

    /** The retention of a resolution's window store: as configured, but never less than window + grace (Streams requires it). */
    public static Duration storeRetention(MetricResolution resolution, Duration grace) {
        Duration minimum = resolution.window().plus(grace);
        return resolution.retention().compareTo(minimum) >= 0 ? resolution.retention() : minimum;
    }

    static JsonSerde<MetricSample> sampleSerde() {
        return new JsonSerde<>(MetricSample.class);
    }
}
