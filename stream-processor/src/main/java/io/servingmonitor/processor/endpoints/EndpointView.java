package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.CompactSerde;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The registry re-keyed by company + endpoint url + container: one small {@link EndpointMember}
 * per container on an endpoint in {@link #MEMBERS_STORE} (an endpoint's containers are one prefix
 * scan), and one {@link EndpointSummary} per endpoint in {@link #SUMMARY_STORE} (a company's
 * rows are one prefix scan). After each change the endpoint's row ({@link EndpointStats}) is
 * published to {@link Topics#ENDPOINT_STATS}, a tombstone when no container is left.
 *
 * <p>Readers use {@link EndpointMember#isLiveAt} and {@link EndpointSummary#allLiveAt} at their
 * own "now": a container may outlive its expiry until the registry's expiry reaches here.
 */
public final class EndpointView {

    /** {@code KeyValueStore<EndpointContainerKey, EndpointMember>}. */
    public static final String MEMBERS_STORE = "endpoint-members";

    /** {@code KeyValueStore<EndpointKey, EndpointSummary>}. */
    public static final String SUMMARY_STORE = "endpoint-summaries";

    /** The processor keeping both stores and computing the endpoint rows. */
    public static final String PROCESSOR = "endpoint-view-update";

    /** The sink to {@link Topics#ENDPOINT_STATS}. */
    public static final String STATS_SINK = "endpoint-stats-sink";

    private EndpointView() {
    }

    /** Adds the endpoint view fed by the endpoint {@code updates}. */
    public static void addTo(KStream<EndpointContainerKey, EndpointUpdate> updates) {
        updates.process(new EndpointViewProcessor.Supplier(), Named.as(PROCESSOR))
                .to(Topics.ENDPOINT_STATS, Produced.with(Serdes.endpointKey(), Serdes.endpointStats()).withName(STATS_SINK));
    }

    /** The serde of the values of {@link #MEMBERS_STORE}. */
    public static CompactSerde<EndpointMember> memberSerde() {
        return new CompactSerde<>("an endpoint member", 256, EndpointMember.CODEC);
    }

    /** The serde of the values of {@link #SUMMARY_STORE}. */
    public static CompactSerde<EndpointSummary> summarySerde() {
        return new CompactSerde<>("an endpoint summary", 160, EndpointSummary.CODEC);
    }

    static StoreBuilder<KeyValueStore<EndpointContainerKey, EndpointMember>> membersStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBERS_STORE), Serdes.endpointContainerKey(),
                memberSerde());
    }

    static StoreBuilder<KeyValueStore<EndpointKey, EndpointSummary>> summaryStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SUMMARY_STORE), Serdes.endpointKey(),
                summarySerde());
    }
}
