package io.servingmonitor.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.embeddedkafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.server.policy.AlterConfigPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster that refuses to change {@code message.timestamp.type} of an existing
 * {@code container-events} (here: a broker whose alter-config policy refuses it, as a managed
 * cluster without the permission would) stops the start with a mismatch that says how to
 * set it by hand, and the topic is left as it was.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RefusedAlignmentTest {

    /** The broker's policy: the append time is not allowed (so creating the test's topic with CreateTime is). */
    public static final class RefuseAppendTime implements AlterConfigPolicy {
        @Override
        public void validate(RequestMetadata requestMetadata) {
            if ("LogAppendTime".equals(requestMetadata.configs().get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG))) {
                throw new PolicyViolationException("config changes are not allowed on this cluster");
            }
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aClusterRefusingTheAppendTimeStopsTheStartNamingTheCommandThatSetsItAndChangesNothing(@TempDir Path dir)
            throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir)
                .brokerProperty("alter.config.policy.class.name", RefuseAppendTime.class.getName())
                .start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicSpec events = Topics.all(TopicSettings.singleBroker()).get(0);
            assertThat(events.name()).isEqualTo(Topics.CONTAINER_EVENTS);
            // As declared but for the timestamp type, so that it is the only difference.
            Map<String, String> stampedByProducers = new HashMap<>(events.configs());
            stampedByProducers.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
            admin.createTopics(List.of(new NewTopic(events.name(), events.partitions(), events.replicationFactor())
                    .configs(stampedByProducers))).all().get(60, TimeUnit.SECONDS);

            assertThatThrownBy(() -> TopicAdmin.ensureTopics(admin, List.of(events), Duration.ofSeconds(60)))
                    .isInstanceOf(TopicMismatchException.class)
                    .hasMessageContaining("topic " + events.name())
                    .hasMessageContaining("message.timestamp.type must be \"LogAppendTime\" and could not be set")
                    .hasMessageContaining("config changes are not allowed on this cluster")
                    .hasMessageContaining("kafka-configs.sh --alter --entity-type topics --entity-name " + events.name()
                            + " --add-config message.timestamp.type=LogAppendTime");

            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, events.name());
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).isEqualTo("CreateTime");
        }
    }
}
