package io.servingmonitor.processor.endpoints;

import io.servingmonitor.processor.registry.RegistryChange;
import io.servingmonitor.topics.CompactSerde;
import io.servingmonitor.topics.ContainerEntry;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.Serdes;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The registry's changes as updates of containers on endpoints, moved to the endpoint's partition:
 * the one repartition of the topology, read by both the {@link EndpointView} and the metric windows.
 *
 * <p>A container leaves its old url when the url changes or the container goes away, and joins
 * (or updates itself in) its new url; a loading container (no url) is on no endpoint. A status
 * report carries its metric values to the url it names, also when it was too late to change the
 * registry. Keyed by {@link EndpointContainerKey}, partitioned by the endpoint
 * ({@link EndpointPartitioner}).
 */
public final class EndpointUpdates {

    /** The node turning a registry change into endpoint updates. */
    public static final String UPDATES = "endpoint-updates";

    /** The repartition by endpoint (topic {@code <application id>-endpoint-updates-by-url-repartition}). */
    public static final String REPARTITION = "endpoint-updates-by-url";

    private EndpointUpdates() {
    }

    /** The registry's {@code changes} as endpoint updates on the endpoints' partitions. */
    public static KStream<EndpointContainerKey, EndpointUpdate> addTo(KStream<ContainerKey, RegistryChange> changes) {
        return changes.flatMap(EndpointUpdates::updates, Named.as(UPDATES))
                .repartition(Repartitioned.with(Serdes.endpointContainerKey(), updateSerde())
                        .withStreamPartitioner(new EndpointPartitioner<>())
                        .withName(REPARTITION));
    }

    /** The endpoint updates that one registry change makes: a leave from the old url, a join to the new. */
    static List<KeyValue<EndpointContainerKey, EndpointUpdate>> updates(ContainerKey key, RegistryChange change) {
        ContainerEvent report = change.report();
        String reportUrl = report == null ? null : report.model().endpointUrl();
        ContainerSample metrics = reportUrl == null ? null : ContainerSample.of(report.load());
        List<KeyValue<EndpointContainerKey, EndpointUpdate>> out = new ArrayList<>(2);
        if (!change.changedRegistry()) {
            if (metrics != null) {
                out.add(KeyValue.pair(at(key, reportUrl), EndpointUpdate.reportOnly(metrics)));
            }
            return out;
        }
        String oldUrl = change.before() == null ? null : change.before().url();
        ContainerEntry after = change.after();
        String newUrl = after == null ? null : after.url();
        if (oldUrl != null && !oldUrl.equals(newUrl)) {
            out.add(KeyValue.pair(at(key, oldUrl), EndpointUpdate.leftEndpoint()));
        }
        if (newUrl != null) {
            out.add(KeyValue.pair(at(key, newUrl), EndpointUpdate.joined(EndpointMember.of(after), metrics)));
        }
        return out;
    }

    private static EndpointContainerKey at(ContainerKey key, String url) {
        return new EndpointContainerKey(key.company(), url, key.containerId());
    }

    /** The serde of the repartitioned updates. */
    public static CompactSerde<EndpointUpdate> updateSerde() {
        return new CompactSerde<>("an endpoint update", 320, EndpointUpdate.CODEC);
    }
}
