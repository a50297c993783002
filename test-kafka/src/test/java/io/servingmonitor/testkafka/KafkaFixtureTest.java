package io.servingmonitor.testkafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaFixtureTest {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    @Test
    void createdTopicsAreVisibleThroughANewAdminClient() throws Exception {
        String topic = kafka.uniqueName("fixture");
        kafka.createTopics(List.of(new NewTopic(topic, 3, (short) 1)));

        try (Admin admin = kafka.adminClient()) {
            assertThat(admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions()).hasSize(3);
        }
    }

    @Test
    void uniqueNamesDifferAndKeepThePrefix() {
        String first = kafka.uniqueName("App");
        String second = kafka.uniqueName("App");

        assertThat(first).startsWith("app-").matches("[a-z0-9-]+");
        assertThat(second).startsWith("app-").isNotEqualTo(first);
    }

    @Test
    void withoutDockerTheBrokerIsEmbeddedOnLoopback() {
        if (!kafka.isContainer()) {
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        }
        assertThat(kafka.clientConfig()).containsValue(kafka.bootstrapServers());
    }

    @Nested
    class AnotherFixtureInstance {

        @RegisterExtension
        final KafkaFixture other = new KafkaFixture();

        @Test
        void sharesTheSameBroker() {
            assertThat(other.bootstrapServers()).isEqualTo(kafka.bootstrapServers());
        }
    }
}
