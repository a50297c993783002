package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servingmonitor.topics.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final ObjectMapper MAPPER = Json.mapper();
    private static final Envelope.Endpoint ENDPOINT = new Envelope.Endpoint("serving.get_endpoints", "2.31", "2.31");

    /** A value of the shapes the read actions answer: records, nulls left out, lists, maps, awkward numbers and text. */
    record Row(String endpoint, String model, long instances, double requestsMin, Double latencyMs, List<Double> values,
               Map<String, Row> nested) {
    }

    @Test
    void successIsTheMetaThenTheDataWrittenByTheSharedMapping() throws Exception {
        Random random = new Random(20261208L);
        for (int i = 0; i < 2_000; i++) {
            Object data = row(random, 2);
            byte[] answer = Envelope.success("0123456789abcdef0123456789abcdef", ENDPOINT, data);

            ObjectNode expected = MAPPER.createObjectNode();
            expected.set("meta", MAPPER.readTree("""
                    {"id":"0123456789abcdef0123456789abcdef","trx":"0123456789abcdef0123456789abcdef",
                     "endpoint":{"name":"serving.get_endpoints","requested_version":"2.31","actual_version":"2.31"},
                     "result_code":200,"result_subcode":0,"result_msg":"OK","error_stack":null,"error_data":{}}"""));
            expected.set("data", MAPPER.valueToTree(data));
            // Byte for byte what the tree of the same value writes: field order, nulls, number forms.
            assertThat(new String(answer, StandardCharsets.UTF_8))
                    .as("try %s", i).isEqualTo(new String(MAPPER.writeValueAsBytes(expected), StandardCharsets.UTF_8));
        }
    }

    @Test
    void successWithoutDataAnswersAnEmptyDataObject() throws Exception {
        JsonNode answer = MAPPER.readTree(Envelope.success("id", ENDPOINT, null));
        assertThat(answer.get("data")).isEqualTo(MAPPER.createObjectNode());
        assertThat(answer.get("meta").get("result_code").asInt()).isEqualTo(200);
        assertThat(answer.get("meta").has("error_stack")).isTrue();
        assertThat(answer.get("meta").get("error_stack").isNull()).isTrue();
    }

    private static Row row(Random random, int depth) {
        List<Double> values = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            values.add(number(random));
        }
        Map<String, Row> nested = new LinkedHashMap<>();
        for (int i = depth == 0 ? 0 : random.nextInt(3); i > 0; i--) {
            nested.put(text(random), row(random, depth - 1));
        }
        return new Row(random.nextInt(4) == 0 ? null : text(random), text(random), random.nextLong(), number(random),
                random.nextBoolean() ? null : number(random), values, nested);
    }

    private static double number(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> 0.0;
            case 1 -> -0.0;
            case 2 -> random.nextInt(100_000) / 100.0;
            case 3 -> Double.MAX_VALUE * random.nextDouble();
            default -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
        };
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            text.appendCodePoint(switch (random.nextInt(4)) {
                case 0 -> random.nextInt(32);
                case 1 -> 0x1F600 + random.nextInt(50);
                case 2 -> '"';
                default -> 'a' + random.nextInt(26);
            });
        }
        return text.toString();
    }
}
