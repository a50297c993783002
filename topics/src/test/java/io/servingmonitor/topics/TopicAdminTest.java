package io.servingmonitor.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.testkafka.KafkaFixture;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TopicAdminTest {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void createsEveryDeclaredTopicWithItsDeclaredPartitionsReplicationAndConfigs() throws Exception {
        List<TopicSpec> specs = prefixed(kafka.uniqueName("create"), Topics.all(TopicSettings.singleBroker()));

        try (Admin admin = kafka.adminClient()) {
            TopicAdmin.ensureTopics(admin, specs, TIMEOUT);

            Map<String, TopicDescription> descriptions = admin.describeTopics(names(specs))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources(specs)).all().get(30, TimeUnit.SECONDS);
            for (TopicSpec spec : specs) {
                TopicDescription description = descriptions.get(spec.name());
                assertThat(description.partitions()).as(spec.name()).hasSize(spec.partitions());
                assertThat(description.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(spec.replicationFactor()));
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
                spec.configs().forEach((key, value) -> assertThat(config.get(key).value()).as(spec.name() + " " + key).isEqualTo(value));
            }
        }
    }

    @Test
    void secondCallOnMatchingTopicsSucceedsAndChangesNothing() throws Exception {
        List<TopicSpec> specs = prefixed(kafka.uniqueName("twice"), Topics.all(new TopicSettings(3, (short) 1)));
        Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());

        TopicAdmin.ensureTopics(adminConfig, specs, TIMEOUT);
        assertThatCode(() -> TopicAdmin.ensureTopics(adminConfig, specs, TIMEOUT)).doesNotThrowAnyException();

        try (Admin admin = kafka.adminClient()) {
            assertThat(admin.describeTopics(names(specs)).allTopicNames().get(30, TimeUnit.SECONDS).values())
                    .allSatisfy(description -> assertThat(description.partitions()).hasSize(3));
        }
    }

    @Test
    void reportsATopicWithWrongCleanupPolicyAndPartitionCountByNameWithBothDifferences() {
        String prefix = kafka.uniqueName("mismatch");
        String wrong = prefix + "-container-state";
        String right = prefix + "-container-events";
        kafka.createTopics(List.of(new NewTopic(wrong, 3, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE))));
        List<TopicSpec> specs = List.of(
                new TopicSpec(wrong, 6, (short) 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new TopicSpec(right, 6, (short) 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)));

        try (Admin admin = kafka.adminClient()) {
            assertThatThrownBy(() -> TopicAdmin.ensureTopics(admin, specs, TIMEOUT))
                    .isInstanceOfSatisfying(TopicMismatchException.class, e -> {
                        assertThat(e.getMessage()).contains("topic " + wrong
                                + ": cleanup.policy is \"delete\", expected \"compact\"; partitions 3, expected 6");
                        assertThat(e.getMessage()).doesNotContain(right);
                        assertThat(e.differences()).containsOnlyKeys(wrong);
                    });
        }
    }

    @Test
    void reportsAWrongRetentionAndNamesEveryMismatchingTopic() {
        String prefix = kafka.uniqueName("retention");
        String first = prefix + "-a";
        String second = prefix + "-b";
        kafka.createTopics(List.of(
                new NewTopic(first, 2, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000")),
                new NewTopic(second, 1, (short) 1)));
        List<TopicSpec> specs = List.of(
                new TopicSpec(first, 2, (short) 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "604800000")),
                new TopicSpec(second, 2, (short) 1, Map.of()));

        try (Admin admin = kafka.adminClient()) {
            assertThatThrownBy(() -> TopicAdmin.ensureTopics(admin, specs, TIMEOUT))
                    .isInstanceOf(TopicMismatchException.class)
                    .hasMessageContaining("topic " + first + ": retention.ms is \"1000\", expected \"604800000\"")
                    .hasMessageContaining("topic " + second + ": partitions 1, expected 2");
        }
    }

    @Test
    void anExistingEventsTopicStampedByProducersIsSetToTheBrokersAppendTime() throws Exception {
        String name = kafka.uniqueName("stamped") + "-" + Topics.CONTAINER_EVENTS;
        TopicSpec events = Topics.all(TopicSettings.singleBroker()).get(0);
        // The declared topic, but for the timestamp type, as a producer-stamped topic of an older build.
        Map<String, String> stampedByProducers = new HashMap<>(events.configs());
        stampedByProducers.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
        kafka.createTopics(List.of(new NewTopic(name, events.partitions(), events.replicationFactor())
                .configs(stampedByProducers)));
        TopicSpec spec = new TopicSpec(name, events.partitions(), events.replicationFactor(), events.configs(),
                events.alignable());

        try (Admin admin = kafka.adminClient()) {
            TopicAdmin.ensureTopics(admin, List.of(spec), TIMEOUT);

            // A config change reaches the broker that answers a moment after it was accepted.
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            String timestampType = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!"LogAppendTime".equals(timestampType) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
                timestampType = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value();
            }
            assertThat(timestampType).isEqualTo("LogAppendTime");
        }
    }

    @Test
    void anAlignableConfigIsNotChangedWhileAnotherDifferenceStopsTheStart() throws Exception {
        String name = kafka.uniqueName("both") + "-" + Topics.CONTAINER_EVENTS;
        kafka.createTopics(List.of(new NewTopic(name, 2, (short) 1).configs(Map.of(
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime"))));
        TopicSpec events = Topics.all(TopicSettings.singleBroker()).get(0);
        TopicSpec spec = new TopicSpec(name, events.partitions(), events.replicationFactor(), events.configs(),
                events.alignable());

        try (Admin admin = kafka.adminClient()) {
            assertThatThrownBy(() -> TopicAdmin.ensureTopics(admin, List.of(spec), TIMEOUT))
                    .isInstanceOf(TopicMismatchException.class)
                    .hasMessageContaining("partitions 2, expected 6")
                    .hasMessageNotContaining(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);

            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).isEqualTo("CreateTime");
        }
    }

    @Test
    void theOwnedTopicsAreTheContractTopicsAndTheDeadLetters() {
        List<String> owned = Topics.owned(TopicSettings.singleBroker()).stream().map(TopicSpec::name).toList();

        assertThat(owned).containsExactly(Topics.CONTAINER_EVENTS, Topics.CONTAINER_STATE, Topics.ENDPOINT_STATS,
                Topics.METRIC_WINDOWS, Topics.CONTAINER_EVENTS_DLQ);
        assertThat(Topics.deadLetters(TopicSettings.singleBroker()).configs())
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, "604800000")
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    }

    @Test
    void reportsALowerReplicationFactorButAcceptsAHigherOne() {
        TopicSpec spec = new TopicSpec("replicated", 1, (short) 2, Map.of());
        Node a = new Node(1, "a", 9092);
        Node b = new Node(2, "b", 9092);
        Node c = new Node(3, "c", 9092);
        TopicDescription oneReplica = new TopicDescription("replicated", false,
                List.of(new TopicPartitionInfo(0, a, List.of(a), List.of(a))));
        TopicDescription threeReplicas = new TopicDescription("replicated", false,
                List.of(new TopicPartitionInfo(0, a, List.of(a, b, c), List.of(a, b, c))));
        Config noConfigs = new Config(List.<ConfigEntry>of());

        assertThat(TopicAdmin.differences(spec, oneReplica, noConfigs)).containsExactly("replication factor 1, expected 2");
        assertThat(TopicAdmin.differences(spec, threeReplicas, noConfigs)).isEmpty();
    }

    @Test
    void unreachableBrokersAreNamedWithTheTimeout() throws Exception {
        String nobody;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            nobody = "127.0.0.1:" + socket.getLocalPort();
        }
        Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, nobody);
        List<TopicSpec> specs = Topics.all(TopicSettings.singleBroker());

        long started = System.nanoTime();
        assertThatThrownBy(() -> TopicAdmin.ensureTopics(adminConfig, specs, Duration.ofSeconds(2)))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("Kafka brokers at " + nobody + " could not be reached within 2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    private static List<TopicSpec> prefixed(String prefix, List<TopicSpec> specs) {
        return specs.stream()
                .map(s -> new TopicSpec(prefix + "-" + s.name(), s.partitions(), s.replicationFactor(), s.configs()))
                .toList();
    }

    private static List<String> names(List<TopicSpec> specs) {
        return specs.stream().map(TopicSpec::name).toList();
    }

    private static Collection<ConfigResource> resources(List<TopicSpec> specs) {
        return specs.stream()
                .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name()))
                .collect(Collectors.toList());
    }
}
