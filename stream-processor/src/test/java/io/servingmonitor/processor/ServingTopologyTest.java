package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.processor.endpoints.EndpointUpdates;
import io.servingmonitor.processor.endpoints.EndpointView;
import io.servingmonitor.processor.metrics.MetricWindows;
import io.servingmonitor.processor.registry.ContainerRegistry;
import io.servingmonitor.topics.Topics;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class ServingTopologyTest {

    private final TopologyDescription description = ServingTopology.build(ProcessorConfig.defaults()).describe();

    @Test
    void noNodeHasAGeneratedName() {
        String text = description.toString();

        assertThat(text).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
        assertThat(nodeNames()).contains(
                ServingTopology.EVENTS_SOURCE, ContainerRegistry.PROCESSOR, ContainerRegistry.STATE_SINK,
                EndpointUpdates.UPDATES, EndpointView.PROCESSOR, EndpointView.STATS_SINK, MetricWindows.REPORTS,
                "endpoint-metrics-10s" + MetricWindows.AGGREGATE_SUFFIX, "endpoint-metrics-300s" + MetricWindows.SINK_SUFFIX);
    }

    @Test
    void storesAreTheNamedRegistryEndpointMetricAndRollupStores() {
        Set<String> stores = new HashSet<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Processor processor) {
                stores.addAll(processor.stores());
            }
        }));

        assertThat(stores).containsExactlyInAnyOrder(
                ContainerRegistry.STORE, ContainerRegistry.LOADING_STORE, EndpointView.MEMBERS_STORE,
                EndpointView.SUMMARY_STORE, "endpoint-metrics-10s", "endpoint-metrics-300s", "endpoint-metrics-3600s");
    }

    @Test
    void endpointViewAndMetricsShareOneRepartitionByEndpointThroughANamedTopic() {
        Set<String> topics = topicNames();

        assertThat(topics).filteredOn(t -> t.endsWith("-repartition")).containsExactly(EndpointUpdates.REPARTITION + "-repartition");
        assertThat(topics).contains(
                Topics.CONTAINER_EVENTS, Topics.CONTAINER_STATE, Topics.ENDPOINT_STATS, Topics.METRIC_WINDOWS);
        assertThat(topics).allMatch(t -> !t.startsWith("KSTREAM") && !t.startsWith("KTABLE"));
    }

    @Test
    void registryAndTheEndpointSideAreTwoSubtopologies() {
        // Source and registry; endpoint view and metric windows after the one repartition.
        assertThat(description.subtopologies()).hasSize(2);
    }

    private Set<String> nodeNames() {
        Set<String> names = new HashSet<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> names.add(node.name())));
        return names;
    }

    private Set<String> topicNames() {
        Set<String> topics = new HashSet<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Source source) {
                topics.addAll(source.topicSet());
            } else if (node instanceof TopologyDescription.Sink sink) {
                topics.add(sink.topic());
            }
        }));
        return topics;
    }
}
