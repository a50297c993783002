package io.servingmonitor.processor;

import io.servingmonitor.processor.endpoints.EndpointUpdate;
import io.servingmonitor.processor.endpoints.EndpointUpdates;
import io.servingmonitor.processor.endpoints.EndpointView;
import io.servingmonitor.processor.metrics.MetricWindows;
import io.servingmonitor.processor.registry.ContainerRegistry;
import io.servingmonitor.processor.registry.RegistryChange;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.Topics;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The whole stream processor as a pure function of its configuration: reads
 * {@link Topics#CONTAINER_EVENTS} once into the {@link ContainerRegistry registry}, whose changes
 * move, as {@link EndpointUpdates endpoint updates}, to the endpoints' partitions (the one
 * repartition), where the {@link EndpointView endpoint view} and the
 * {@link MetricWindows metric windows} read them. No lifecycle here: see {@link StreamsRunner}.
 */
public final class ServingTopology {

    /** The source node reading {@link Topics#CONTAINER_EVENTS}. */
    public static final String EVENTS_SOURCE = "container-events-source";

    private ServingTopology() {
    }

    public static Topology build(ProcessorConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<ContainerKey, ContainerEvent> events = builder.stream(Topics.CONTAINER_EVENTS,
                Consumed.with(EventInput.keySerde(), EventInput.valueSerde())
                        .withTimestampExtractor(new EventTimeExtractor(config.maxClockSkew()))
                        .withName(EVENTS_SOURCE));
        KStream<ContainerKey, RegistryChange> changes = ContainerRegistry.addTo(events, config);
        KStream<EndpointContainerKey, EndpointUpdate> updates = EndpointUpdates.addTo(changes);
        EndpointView.addTo(updates);
        MetricWindows.addTo(updates, config);
        return builder.build();
    }
}
