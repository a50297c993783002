package io.servingmonitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The caps on what a write retains (README, "Size caps"): each part accepted at its cap, refused
 * one over with 400/12 naming the field and nothing published, and the largest accepted event
 * serialized within {@link ReportParser#MAX_EVENT_BYTES}. Served with the default 1 MiB body limit,
 * so that the body limit is never what refuses a call here.
 */
class ReportCapsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String STATUS = IngestActions.CONTAINER_STATUS_REPORT;
    private static final String REGISTER = IngestActions.REGISTER_CONTAINER;
    /** A control character: JSON escapes it as six bytes, the most any character takes. */
    private static final char WIDEST_CHAR = '\u0001';
    /** A double whose JSON text is as long as a double's gets (24 characters), within the magnitude cap. */
    private static final double WIDEST_NUMBER = -1.2345678901234567E-100;
    private static final List<String> STRING_FIELDS = List.of("container_id", "endpoint_name", "endpoint_url",
            "model_name", "model_source", "model_version", "preprocess_artifact", "input_type", "input_size");
    private static final List<String> STATS_LISTS = List.of("cpu_usage", "gpu_usage", "gpu_memory_free",
            "gpu_memory_used", "cpu_temperature", "gpu_temperature");

    private static final RecordingPublisher publisher = new RecordingPublisher();
    private static Javalin app;
    private static IngestClient client;

    @BeforeAll
    static void start() {
        ApiConfig config = ApiConfig.builder().build();
        Credentials credentials = Credentials.of("company-a:key-a:secret-a");
        app = IngestApp.create(config, Authenticator.create(credentials, config, CLOCK), publisher, CLOCK, javalin -> { })
                .start("127.0.0.1", 0);
        client = new IngestClient(app.port());
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    @BeforeEach
    void reset() {
        publisher.clear();
    }

    private static ObjectNode report() {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("container_id", "c-1").put("endpoint_name", "ep").put("model_name", "m")
                .put("endpoint_url", "http://serving/ep");
        return body;
    }

    private static ArrayNode strings(ObjectNode parent, String name, int items, int length) {
        ArrayNode array = parent.putArray(name);
        for (int i = 0; i < items; i++) {
            array.add("t".repeat(length));
        }
        return array;
    }

    private static ArrayNode references(ObjectNode parent, int items, int valueLength) {
        ArrayNode array = parent.putArray("reference");
        for (int i = 0; i < items; i++) {
            array.addObject().put("type", "app_instance").put("value", "v".repeat(valueLength));
        }
        return array;
    }

    private static ArrayNode numbers(ObjectNode machineStats, String name, int items, double value) {
        ArrayNode array = machineStats.putArray(name);
        for (int i = 0; i < items; i++) {
            array.add(value);
        }
        return array;
    }

    private static IngestClient.Reply send(String action, ObjectNode body) {
        return client.call(action, body.toString());
    }

    private static void assertAccepted(IngestClient.Reply reply) {
        assertThat(reply.status()).as(reply.message()).isEqualTo(200);
        assertThat(publisher.events()).hasSize(1);
        publisher.clear();
    }

    private static void assertRefusedNaming(IngestClient.Reply reply, String field) {
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.subcode()).isEqualTo(12);
        assertThat(reply.errorData().get("field").asText()).isEqualTo(field);
        assertThat(reply.message()).contains(field);
        assertThat(publisher.events()).isEmpty();
    }

    /** Accepted at {@code cap}, refused naming {@code field} at {@code cap + 1}. */
    private static void assertCap(String action, int cap, IntFunction<ObjectNode> bodyOfSize, String field) {
        assertAccepted(send(action, bodyOfSize.apply(cap)));
        assertRefusedNaming(send(action, bodyOfSize.apply(cap + 1)), field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"container_id", "endpoint_name", "endpoint_url", "model_name", "model_source",
            "model_version", "preprocess_artifact", "input_type", "input_size"})
    void everyStringFieldIsAtMost1024Characters(String field) {
        assertCap(STATUS, ReportParser.MAX_STRING_LENGTH, n -> report().put(field, "s".repeat(n)), field);
        assertCap(REGISTER, ReportParser.MAX_STRING_LENGTH, n -> report().put(field, "s".repeat(n)), field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tags", "system_tags"})
    void tagListsHaveAtMost64Items(String field) {
        assertCap(STATUS, ReportParser.MAX_TAGS, n -> {
            ObjectNode body = report();
            strings(body, field, n, 8);
            return body;
        }, field);
        assertCap(REGISTER, ReportParser.MAX_TAGS, n -> {
            ObjectNode body = report();
            strings(body, field, n, 8);
            return body;
        }, field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tags", "system_tags"})
    void eachTagIsAtMost256Characters(String field) {
        assertCap(STATUS, ReportParser.MAX_ITEM_LENGTH, n -> {
            ObjectNode body = report();
            strings(body, field, 3, 1).add("x".repeat(n));
            return body;
        }, field);
    }

    @Test
    void referenceHasAtMost64Items() {
        assertCap(STATUS, ReportParser.MAX_REFERENCE_ITEMS, n -> {
            ObjectNode body = report();
            references(body, n, 32);
            return body;
        }, "reference");
        assertCap(REGISTER, ReportParser.MAX_REFERENCE_ITEMS, n -> {
            ObjectNode body = report();
            references(body, n, 32);
            return body;
        }, "reference");
    }

    @Test
    void eachReferenceValueIsAtMost256Characters() {
        assertCap(STATUS, ReportParser.MAX_ITEM_LENGTH, n -> {
            ObjectNode body = report();
            references(body, 2, 1).addObject().put("type", "url").put("value", "u".repeat(n));
            return body;
        }, "reference[2].value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu_usage", "gpu_usage", "gpu_memory_free", "gpu_memory_used", "cpu_temperature",
            "gpu_temperature"})
    void everyMachineStatsListHasAtMost1024Numbers(String list) {
        assertCap(STATUS, ReportParser.MAX_STATS_ITEMS, n -> {
            ObjectNode body = report();
            numbers(body.putObject("machine_stats"), list, n, 12.5);
            return body;
        }, "machine_stats." + list);
    }

    @Test
    void aListOverItsCapIsRefusedBeforeItsItemsAreRead() {
        ObjectNode body = report();
        ArrayNode tags = body.putArray("tags");
        for (int i = 0; i <= ReportParser.MAX_TAGS; i++) {
            tags.add(i); // not strings either: the count is what is reported
        }

        assertRefusedNaming(send(STATUS, body), "tags");
    }

    /** The largest report the caps let through, filled with the widest characters and numbers JSON has. */
    private static ObjectNode largestReport(char fill) {
        ObjectNode body = MAPPER.createObjectNode();
        String longest = String.valueOf(fill).repeat(ReportParser.MAX_STRING_LENGTH);
        String longestItem = String.valueOf(fill).repeat(ReportParser.MAX_ITEM_LENGTH);
        STRING_FIELDS.forEach(field -> body.put(field, longest));
        for (String field : List.of("tags", "system_tags")) {
            ArrayNode array = body.putArray(field);
            for (int i = 0; i < ReportParser.MAX_TAGS; i++) {
                array.add(longestItem);
            }
        }
        ArrayNode reference = body.putArray("reference");
        for (int i = 0; i < ReportParser.MAX_REFERENCE_ITEMS; i++) {
            reference.addObject().put("type", "app_instance").put("value", longestItem);
        }
        body.put("uptime_sec", 999_999_999_999_999L).put("requests_num", 999_999_999_999_999L)
                .put("requests_min", WIDEST_NUMBER * -1).put("latency_ms", 999_999_999_999_999L);
        ObjectNode stats = body.putObject("machine_stats");
        STATS_LISTS.forEach(list -> numbers(stats, list, ReportParser.MAX_STATS_ITEMS, WIDEST_NUMBER));
        for (String figure : List.of("memory_used", "memory_free", "network_tx", "network_rx", "disk_free_home",
                "disk_free_temp", "disk_read", "disk_write")) {
            stats.put(figure, WIDEST_NUMBER);
        }
        return body;
    }

    private static int serializedSize(ContainerEvent event) {
        return Serdes.containerEvent().serializer().serialize(Topics.CONTAINER_EVENTS, event).length;
    }

    @Test
    void theLargestAcceptedReportSerializesWithinTheDocumentedBound() {
        IngestClient.Reply reply = send(STATUS, largestReport(WIDEST_CHAR));

        assertThat(reply.status()).as(reply.message()).isEqualTo(200);
        // As written by a node with the longest region name, which the event carries too.
        int size = serializedSize(publisher.onlyEvent().inRegion("r".repeat(64)));
        assertThat(size).isLessThan(ReportParser.MAX_EVENT_BYTES);
        assertThat(size).isGreaterThan(ReportParser.MAX_EVENT_BYTES / 2); // the test really is at the caps
    }

    @Test
    void theLargestAcceptedPlainTextReportSerializesToAbout220Kilobytes() {
        IngestClient.Reply reply = send(STATUS, largestReport('x'));

        assertThat(reply.status()).as(reply.message()).isEqualTo(200);
        assertThat(serializedSize(publisher.onlyEvent())).isBetween(150_000, 230_000);
    }

    /**
     * Property over random reports: one random part made over its cap by a random amount (or not),
     * the others random within theirs; over is 400/12 naming that part with nothing published, within
     * is accepted. A fixed seed, so a failure repeats.
     */
    @Test
    void randomReportsAreRefusedExactlyWhenOnePartIsOverItsCap() {
        SplittableRandom random = new SplittableRandom(20261201L);
        for (int i = 0; i < 150; i++) {
            ObjectNode body = report();
            int part = random.nextInt(5);
            boolean over = random.nextBoolean();
            int excess = over ? random.nextInt(1, 200) : -random.nextInt(0, 64);
            String field;
            switch (part) {
                case 0 -> {
                    field = STRING_FIELDS.get(random.nextInt(STRING_FIELDS.size()));
                    body.put(field, "s".repeat(ReportParser.MAX_STRING_LENGTH + excess));
                }
                case 1 -> {
                    field = random.nextBoolean() ? "tags" : "system_tags";
                    strings(body, field, ReportParser.MAX_TAGS + excess, random.nextInt(0, 257));
                }
                case 2 -> {
                    field = random.nextBoolean() ? "tags" : "system_tags";
                    strings(body, field, random.nextInt(0, 64), 4).add("x".repeat(ReportParser.MAX_ITEM_LENGTH + excess));
                }
                case 3 -> {
                    field = "reference";
                    references(body, ReportParser.MAX_REFERENCE_ITEMS + excess, random.nextInt(0, 257));
                }
                default -> {
                    String list = STATS_LISTS.get(random.nextInt(STATS_LISTS.size()));
                    field = "machine_stats." + list;
                    numbers(body.putObject("machine_stats"), list, ReportParser.MAX_STATS_ITEMS + excess,
                            random.nextDouble(0, 100));
                }
            }
            IngestClient.Reply reply = send(STATUS, body);
            if (over) {
                assertRefusedNaming(reply, field);
            } else {
                assertAccepted(reply);
            }
        }
    }
}
