package io.servingmonitor.processor.metrics;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.Serdes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Coarse metric windows (e.g. 1 h kept 90 days) built from the <em>closed</em> windows of the
 * coarsest resolution aggregated from the reports, not from the reports: a report costs them
 * nothing, and each closed window of a container is merged once into the rollup window that holds
 * it (one read and one write per rollup, with exactly-once, so never twice). Closed windows are
 * final (their grace has passed), so a rollup window is the exact merge of its reports; it lags
 * the reports by one window of the source resolution plus the grace (10 minutes by default).
 *
 * <p>The stores are key-ordered window stores ({@link MetricResolution#storeName()}), keyed like
 * the report windows, so a long chart reads its endpoint's few coarse windows in one key range.
 * Rollup windows are not published to {@code metric-windows}: that topic carries the windows of
 * the report resolutions, from which any coarser window can be made.
 */
public final class MetricRollups {

    /** The processor merging closed windows into the rollups. */
    public static final String PROCESSOR = "metric-rollups";

    private MetricRollups() {
    }

    /** The rollup window store of {@code rollup}: key-ordered, logged, uncached (a query sees every merge at once). */
    static StoreBuilder<WindowStore<EndpointContainerKey, ContainerSample>> store(MetricResolution rollup) {
        return Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(rollup.storeName(), rollup.retention(), rollup.window(), false),
                        Serdes.endpointContainerKey(), Serdes.containerSample())
                .withCachingDisabled();
    }

    /** Supplies the processor with the stores of {@code rollups}. */
    static ProcessorSupplier<Windowed<EndpointContainerKey>, ContainerSample, Void, Void> supplier(List<MetricResolution> rollups) {
        List<MetricResolution> copy = List.copyOf(rollups);
        return new ProcessorSupplier<>() {
            @Override
            public Processor<Windowed<EndpointContainerKey>, ContainerSample, Void, Void> get() {
                return new RollupProcessor(copy);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return copy.stream().map(MetricRollups::store).collect(Collectors.toSet());
            }
        };
    }

    private static final class RollupProcessor implements Processor<Windowed<EndpointContainerKey>, ContainerSample, Void, Void> {

        private final List<MetricResolution> rollups;
        private final List<WindowStore<EndpointContainerKey, ContainerSample>> stores = new ArrayList<>();

        RollupProcessor(List<MetricResolution> rollups) {
            this.rollups = rollups;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            stores.clear();
            for (MetricResolution rollup : rollups) {
                stores.add(context.getStateStore(rollup.storeName()));
            }
        }

        @Override
        public void process(Record<Windowed<EndpointContainerKey>, ContainerSample> record) {
            if (record.key() == null || record.value() == null || record.value().isEmpty()) {
                return;
            }
            EndpointContainerKey key = record.key().key();
            long closedStart = record.key().window().start();
            for (int i = 0; i < rollups.size(); i++) {
                long windowMs = rollups.get(i).window().toMillis();
                long start = Math.floorDiv(closedStart, windowMs) * windowMs;
                WindowStore<EndpointContainerKey, ContainerSample> store = stores.get(i);
                ContainerSample current = store.fetch(key, start);
                store.put(key, current == null ? record.value() : current.merge(record.value()), start);
            }
        }
    }
}
