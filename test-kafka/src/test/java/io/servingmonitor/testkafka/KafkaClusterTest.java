package io.servingmonitor.testkafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three-node cluster of child JVMs: a killed leader is replaced, and the node comes back into the ISR. */
class KafkaClusterTest {

    @TempDir
    Path dir;

    @Test
    void acknowledgedRecordsSurviveAKilledLeaderAndTheRestartedNodeRejoinsTheIsr() throws Exception {
        try (KafkaCluster cluster = KafkaCluster.start(dir, 3)) {
            cluster.admin().createTopics(List.of(new NewTopic("durable", 1, (short) 3))).all().get(60, TimeUnit.SECONDS);
            Config config = cluster.admin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "durable")))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("2");

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("durable", "before")).get(60, TimeUnit.SECONDS);
                int leader = cluster.leaderOf("durable", 0);
                cluster.kill(leader);
                assertThat(cluster.isRunning(leader)).isFalse();

                producer.send(new ProducerRecord<>("durable", "during")).get(60, TimeUnit.SECONDS);
                assertThat(cluster.leaderOf("durable", 0)).isNotIn(leader, -1);

                cluster.restart(leader);
                cluster.awaitFullIsr(Duration.ofMinutes(2));
                assertThat(cluster.describe(List.of("durable")).get("durable").partitions().get(0).isr()).hasSize(3);
            }
            assertThat(readAll(cluster)).containsExactly("before", "during");
        }
    }

    private static List<String> readAll(KafkaCluster cluster) {
        List<String> values = new ArrayList<>();
        TopicPartition partition = new TopicPartition("durable", 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
