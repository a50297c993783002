package io.servingmonitor.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servingmonitor.topics.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ClearML answer wrapper: {@code {"meta": {id, trx, endpoint, result_code, result_subcode,
 * result_msg, error_stack, error_data}, "data": {...}}}. The HTTP status always equals
 * {@code result_code}; {@code error_stack} is always null (no stack trace ever leaves the server).
 */
public final class Envelope {

    private static final ObjectMapper MAPPER = Json.mapper();

    private Envelope() {
    }

    /**
     * What {@code meta.endpoint} reports.
     *
     * @param name             the action asked for
     * @param requestedVersion the version asked for (or the served one when the path had none); may be null
     * @param actualVersion    the version that served the call; null when none did
     */
    public record Endpoint(String name, String requestedVersion, String actualVersion) {
    }

    /**
     * A fresh call id ({@code meta.id} and {@code trx}): 32 hex digits of a random (version 4)
     * UUID, as ClearML's. Call ids identify calls in answers and logs; they are no secret, so they
     * come from {@link ThreadLocalRandom}, not from the shared {@code SecureRandom} of
     * {@code UUID.randomUUID()} (which took a visible share of each write's CPU).
     */
    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & 0xFFFFFFFFFFFF0FFFL | 0x0000000000004000L;
        long low = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
        char[] hex = new char[32];
        for (int i = 0; i < 16; i++) {
            hex[i] = HEX_DIGITS[(int) (high >>> (60 - 4 * i)) & 0xF];
            hex[16 + i] = HEX_DIGITS[(int) (low >>> (60 - 4 * i)) & 0xF];
        }
        return new String(hex);
    }

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    /**
     * A success envelope with {@code data} serialized by the shared mapping, straight into the
     * answer's bytes (never through a tree: for a 10,000-row {@code get_endpoints} the tree's
     * copy took more of the read's time than the read).
     */
    public static byte[] success(String id, Endpoint endpoint, Object data) {
        return write(meta(id, endpoint, 200, 0, "OK", Map.of()), data == null ? MAPPER.createObjectNode() : data);
    }

    /** An error envelope with {@code data: {}}. */
    public static byte[] error(String id, Endpoint endpoint, ApiException error) {
        return write(meta(id, endpoint, error.httpCode(), error.subcode(), error.getMessage(), error.errorData()),
                MAPPER.createObjectNode());
    }

    private static ObjectNode meta(String id, Endpoint endpoint, int code, int subcode, String message, Map<String, Object> errorData) {
        ObjectNode meta = MAPPER.createObjectNode();
        meta.put("id", id);
        meta.put("trx", id);
        ObjectNode endpointNode = meta.putObject("endpoint");
        endpointNode.put("name", endpoint == null ? null : endpoint.name());
        endpointNode.put("requested_version", endpoint == null ? null : endpoint.requestedVersion());
        endpointNode.put("actual_version", endpoint == null ? null : endpoint.actualVersion());
        meta.put("result_code", code);
        meta.put("result_subcode", subcode);
        meta.put("result_msg", message);
        meta.putNull("error_stack");
        meta.set("error_data", MAPPER.valueToTree(errorData));
        return meta;
    }

    private static byte[] write(ObjectNode meta, Object data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = MAPPER.createGenerator(out)) {
            json.writeStartObject();
            json.writeFieldName("meta");
            MAPPER.writeTree(json, meta);
            json.writeFieldName("data");
            MAPPER.writeValue(json, data);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
