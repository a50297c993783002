package io.servingmonitor.faults;

import io.servingmonitor.testkafka.KafkaCluster;
import io.servingmonitor.topics.TopicSettings;
import io.servingmonitor.topics.TopicSpec;
import io.servingmonitor.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Whether the service's topics (its own, and the changelogs and repartition topics Kafka Streams
 * made for it) have every partition on {@code replicas} brokers and need {@code minInSync} of them
 * for a write.
 */
final class Replication {

    private Replication() {
    }

    /** The topics that fall short, each with what it has; empty when all are as required. */
    static List<String> shortfalls(KafkaCluster cluster, String applicationId, int replicas, int minInSync) throws Exception {
        List<String> topics = new ArrayList<>();
        for (TopicSpec spec : Topics.all(TopicSettings.singleBroker())) {
            topics.add(spec.name());
        }
        cluster.admin().listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(name -> name.startsWith(applicationId + "-")).sorted().forEach(topics::add);
        List<String> shortfalls = new ArrayList<>();
        if (topics.size() <= Topics.all(TopicSettings.singleBroker()).size()) {
            shortfalls.add("no Kafka Streams internal topic of " + applicationId + " found");
        }
        Map<String, TopicDescription> descriptions = cluster.describe(topics);
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = cluster.admin().describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        for (String topic : topics) {
            int fewest = descriptions.get(topic).partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
            if (fewest < replicas) {
                shortfalls.add(topic + ": replication factor " + fewest + ", expected " + replicas);
            }
            String minIsr = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic))
                    .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value();
            if (Integer.parseInt(minIsr) < minInSync) {
                shortfalls.add(topic + ": min.insync.replicas " + minIsr + ", expected " + minInSync);
            }
        }
        return shortfalls;
    }

    /** How many topics {@link #shortfalls} looks at: the service's own plus the internal ones. */
    static long checkedTopics(KafkaCluster cluster, String applicationId) throws Exception {
        return Topics.all(TopicSettings.singleBroker()).size() + cluster.admin().listTopics().names().get(30, TimeUnit.SECONDS)
                .stream().filter(name -> name.startsWith(applicationId + "-")).count();
    }
}
