package io.servingmonitor.processor.endpoints;

import io.servingmonitor.processor.registry.RegistryChange;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.JsonSerde;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The registry re-keyed by company + endpoint url.
 *
 * <p>Each registry change becomes endpoint memberships: the container leaves its old url when the
 * url changes or the container goes away, and joins (or updates itself in) its new url; a loading
 * container (no url) belongs to no endpoint. The memberships are repartitioned by
 * {@link EndpointKey}, so the {@link #STORE} is co-partitioned by endpoint, and after each change
 * the endpoint's row ({@link EndpointStats}) is published to {@link Topics#ENDPOINT_STATS}, a
 * tombstone when no container is left.
 *
 * <p>Readers of {@link #STORE} use {@link EndpointInstances#live(long)} at their own "now".
 */
public final class EndpointView {

    /** {@code KeyValueStore<EndpointKey, EndpointInstances>}. */
    public static final String STORE = "endpoint-instances";

    /** The node turning a registry change into endpoint memberships. */
    public static final String MEMBERSHIPS = "endpoint-membership-changes";

    /** The repartition by endpoint (topic {@code <application id>-endpoint-memberships-by-url-repartition}). */
    public static final String REPARTITION = "endpoint-memberships-by-url";

    /** The processor keeping {@link #STORE} and computing the endpoint rows. */
    public static final String PROCESSOR = "endpoint-instances-update";

    /** The sink to {@link Topics#ENDPOINT_STATS}. */
    public static final String STATS_SINK = "endpoint-stats-sink";

    private EndpointView() {
    }

    /** Adds the endpoint view fed by the registry's {@code changes}. */
    public static void addTo(KStream<ContainerKey, RegistryChange> changes) {
        changes.flatMap(EndpointView::memberships, Named.as(MEMBERSHIPS))
                .repartition(Repartitioned.with(Serdes.endpointKey(), membershipSerde()).withName(REPARTITION))
                .processValues(new EndpointInstancesProcessor.Supplier(), Named.as(PROCESSOR))
                .to(Topics.ENDPOINT_STATS, Produced.with(Serdes.endpointKey(), Serdes.endpointStats()).withName(STATS_SINK));
    }

    /** The endpoint memberships that one registry change makes: a leave from the old url, a join to the new. */
    static List<KeyValue<EndpointKey, EndpointMembership>> memberships(ContainerKey key, RegistryChange change) {
        String oldUrl = change.before() == null ? null : change.before().url();
        ContainerEntry after = change.after();
        String newUrl = after == null ? null : after.url();
        List<KeyValue<EndpointKey, EndpointMembership>> out = new ArrayList<>(2);
        if (oldUrl != null && !oldUrl.equals(newUrl)) {
            out.add(KeyValue.pair(new EndpointKey(key.company(), oldUrl), EndpointMembership.left(key.containerId())));
        }
        if (newUrl != null) {
            out.add(KeyValue.pair(new EndpointKey(key.company(), newUrl), EndpointMembership.joined(after)));
        }
        return out;
    }

    /** The serde of the values of {@link #STORE}. */
    public static JsonSerde<EndpointInstances> instancesSerde() {
        return new JsonSerde<>(EndpointInstances.class);
    }

    static JsonSerde<EndpointMembership> membershipSerde() {
        return new JsonSerde<>(EndpointMembership.class);
    }

    static StoreBuilder<KeyValueStore<EndpointKey, EndpointInstances>> instancesStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.endpointKey(), instancesSerde());
    }
}
