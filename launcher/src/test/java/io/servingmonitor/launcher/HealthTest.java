package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.servingmonitor.processor.StreamsRunner;
import io.servingmonitor.processor.StreamsSettings;
import io.servingmonitor.processor.ThreadFailurePolicy;
import io.servingmonitor.testkafka.KafkaFixture;
import io.servingmonitor.topics.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health} of a Streams instance whose threads keep failing, on a real broker. */
class HealthTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    @TempDir
    Path stateDir;

    @Test
    void streamsThatKeptFailingIsReported503WithErrorAndTheReason() throws Exception {
        String in = KAFKA.uniqueName("health-in");
        KAFKA.createTopic(in, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(in, new byte[] {1})).get();
        }
        Topology topology = new Topology();
        topology.addSource("source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), in);
        topology.addProcessor("fail", () -> new Processor<byte[], byte[], Void, Void>() {
            @Override
            public void process(Record<byte[], byte[]> record) {
                throw new ProcessorStateException("simulated store failure");
            }
        }, "source");
        Properties props = new StreamsSettings(KAFKA.uniqueName("health"), KAFKA.bootstrapServers(), stateDir,
                "localhost", 7070, 0, 1, 1, 32L * 1024 * 1024).toProperties();
        // A dead thread's replacement gets the partition once the old member's session expires.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);

        try (StreamsRunner streams = new StreamsRunner(topology, props, (next, previous) -> { },
                new ThreadFailurePolicy(1, Duration.ofMinutes(10)));
             Admin admin = KAFKA.adminClient()) {
            streams.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (streams.state() != KafkaStreams.State.ERROR && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Health health = new Health(admin, streams);
            Javalin http = Javalin.create(config -> config.routes.get("/health", health::handle)).start("127.0.0.1", 0);
            try {
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(503);
                JsonNode body = Json.mapper().readTree(response.body());
                assertThat(body.path("status").asText()).isEqualTo("unavailable");
                assertThat(body.path("kafka").asText()).isEqualTo("reachable");
                assertThat(body.path("streams").asText()).isEqualTo("ERROR");
                assertThat(body.path("streams_failure").asText()).contains("kept failing", "2 failures within 10 min");
            } finally {
                http.stop();
            }
        }
    }
}
