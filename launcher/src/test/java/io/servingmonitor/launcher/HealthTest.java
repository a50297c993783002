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
import org.apache.kafka.clients.admin.AdminClientConfig;
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

/**
 * The health endpoints on a real broker: {@code /health} of a Streams instance whose threads keep
 * failing, and the split readiness ({@code /health/write} needs Kafka only, {@code /health/read}
 * needs Streams RUNNING, {@code /health/live} fails only for good).
 */
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
            Javalin http = healthApp(health);
            try {
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(503);
                JsonNode body = Json.mapper().readTree(response.body());
                assertThat(body.path("status").asText()).isEqualTo("unavailable");
                assertThat(body.path("kafka").asText()).isEqualTo("reachable");
                assertThat(body.path("streams").asText()).isEqualTo("ERROR");
                assertThat(body.path("streams_failure").asText()).contains("kept failing", "2 failures within 10 min");

                assertThat(get(http, "/health/live").statusCode()).as("a failed-for-good node is not live").isEqualTo(503);
                assertThat(get(http, "/health/read").statusCode()).isEqualTo(503);
                assertThat(get(http, "/health/write").statusCode()).as("writes need Kafka only").isEqualTo(200);
            } finally {
                http.stop();
            }
        }
    }

    @Test
    void writesStayReadyWhileStreamsIsNotRunningButReadsDoNot() throws Exception {
        try (StreamsRunner streams = notStartedStreams(KAFKA.bootstrapServers()); Admin admin = KAFKA.adminClient()) {
            Javalin http = healthApp(new Health(admin, streams));
            try {
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.CREATED);

                HttpResponse<String> write = get(http, "/health/write");
                assertThat(write.statusCode()).isEqualTo(200);
                JsonNode body = Json.mapper().readTree(write.body());
                assertThat(body.path("status").asText()).isEqualTo("ok");
                assertThat(body.path("kafka").asText()).isEqualTo("reachable");
                assertThat(body.path("streams").asText()).isEqualTo("CREATED");

                HttpResponse<String> read = get(http, "/health/read");
                assertThat(read.statusCode()).isEqualTo(503);
                assertThat(Json.mapper().readTree(read.body()).path("status").asText()).isEqualTo("unavailable");
                assertThat(get(http, "/health").statusCode()).as("/health needs both").isEqualTo(503);
                assertThat(get(http, "/health/live").statusCode()).as("not running yet is still alive").isEqualTo(200);
            } finally {
                http.stop();
            }
        }
    }

    @Test
    void unreachableKafkaMakesWritesUnreadyButTheNodeStaysLive() throws Exception {
        try (StreamsRunner streams = notStartedStreams("127.0.0.1:1");
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"))) {
            Javalin http = healthApp(new Health(admin, streams));
            try {
                HttpResponse<String> write = get(http, "/health/write");
                assertThat(write.statusCode()).isEqualTo(503);
                assertThat(Json.mapper().readTree(write.body()).path("kafka").asText()).isEqualTo("unreachable");
                assertThat(get(http, "/health").statusCode()).isEqualTo(503);
                assertThat(get(http, "/health/live").statusCode()).isEqualTo(200);
            } finally {
                http.stop();
            }
        }
    }

    private StreamsRunner notStartedStreams(String bootstrapServers) {
        Topology topology = new Topology();
        topology.addSource("source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), KAFKA.uniqueName("unused"));
        Properties props = new StreamsSettings(KAFKA.uniqueName("health"), bootstrapServers, stateDir,
                "localhost", 7070, 0, 1, 1, 32L * 1024 * 1024).toProperties();
        return new StreamsRunner(topology, props);
    }

    private static Javalin healthApp(Health health) {
        return Javalin.create(config -> {
            config.routes.get("/health", health::handle);
            config.routes.get("/health/write", health::write);
            config.routes.get("/health/read", health::read);
            config.routes.get("/health/live", health::live);
        }).start("127.0.0.1", 0);
    }

    private static HttpResponse<String> get(Javalin http, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
