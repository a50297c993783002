package io.servingmonitor.processor.registry;

import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.topics.CompactSerde;
import io.servingmonitor.topics.JsonSerde;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The live registry of containers, keyed by company + container id, with wall-clock expiry.
 *
 * <p>Adds to the topology the {@link ContainerRegistryProcessor} over the container events, its
 * two stores, and the sink of every change to {@link Topics#CONTAINER_STATE} (a tombstone when a
 * container unregisters or expires). Returns the stream of {@link RegistryChange}s for the
 * features that follow the registry.
 *
 * <p>Readers of {@link #STORE} and {@link #LOADING_STORE} must filter with {@code isLiveAt(now)} at
 * their own "now": an entry may outlive its expiry by up to one scan interval before the
 * punctuator removes it.
 */
public final class ContainerRegistry {

    /** {@code KeyValueStore<ContainerKey, RegistryEntry>}: every registered container, possibly past expiry until the punctuator runs. */
    public static final String STORE = "container-registry";

    /** {@code KeyValueStore<ContainerKey, LoadingEntry>}: the registered containers that have no url yet. */
    public static final String LOADING_STORE = "loading-containers";

    /** The node keeping only the changes of the registry itself (not late reports passing through). */
    public static final String STATE_CHANGES = "container-state-changes";

    /** The processor applying events to the registry and expiring silent containers. */
    public static final String PROCESSOR = "container-registry-update";

    /** The node turning a change into the new entry (null when gone) for {@link Topics#CONTAINER_STATE}. */
    public static final String STATE_VALUES = "container-state-values";

    /** The sink to {@link Topics#CONTAINER_STATE}. */
    public static final String STATE_SINK = "container-state-sink";

    private ContainerRegistry() {
    }

    /** Adds the registry over {@code events}; returns its changes. */
    public static KStream<ContainerKey, RegistryChange> addTo(KStream<ContainerKey, ContainerEvent> events, ProcessorConfig config) {
        KStream<ContainerKey, RegistryChange> changes = events.process(
                new ContainerRegistryProcessor.Supplier(config.expiryScanInterval()), Named.as(PROCESSOR));
        changes.filter((key, change) -> change.changedRegistry(), Named.as(STATE_CHANGES))
                .mapValues(RegistryChange::after, Named.as(STATE_VALUES))
                .to(Topics.CONTAINER_STATE, Produced.with(Serdes.containerKey(), Serdes.containerEntry()).withName(STATE_SINK));
        return changes;
    }

    static StoreBuilder<KeyValueStore<ContainerKey, RegistryEntry>> registryStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.containerKey(), entrySerde());
    }

    static StoreBuilder<KeyValueStore<ContainerKey, LoadingEntry>> loadingStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LOADING_STORE), Serdes.containerKey(), loadingSerde());
    }

    /** The serde of the values of {@link #STORE}. */
    public static CompactSerde<RegistryEntry> entrySerde() {
        return new CompactSerde<>("a registry entry", 64, RegistryEntry.CODEC);
    }

    /** The serde of the values of {@link #LOADING_STORE}. */
    public static JsonSerde<LoadingEntry> loadingSerde() {
        return new JsonSerde<>(LoadingEntry.class);
    }
}
