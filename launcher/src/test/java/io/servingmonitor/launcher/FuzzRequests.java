package io.servingmonitor.launcher;

import static io.servingmonitor.launcher.Gen.frequency;
import static io.servingmonitor.launcher.Gen.just;
import static io.servingmonitor.launcher.Gen.weighted;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Generators of HTTP calls to the API, good and bad: every action, at odd paths and versions, by
 * any method (HEAD, OPTIONS, TRACE and unknown ones too), with or without (valid, wrong, malformed) credentials, any content type, a query
 * string or not, and a body that is a valid request, a mutated one (fields dropped, wrong types,
 * out-of-range numbers, huge strings, lone surrogates), random JSON, deep nesting, invalid UTF-8,
 * truncated JSON or random bytes.
 */
final class FuzzRequests {

    static final List<String> WRITE_ACTIONS = List.of(
            "serving.register_container", "serving.container_status_report", "serving.unregister_container");
    static final List<String> READ_ACTIONS = List.of(
            "serving.get_endpoints", "serving.get_loading_instances", "serving.get_endpoint_details",
            "serving.get_endpoint_metrics_history");
    static final String LOGIN = "auth.login";
    static final List<String> ACTIONS;

    static {
        List<String> all = new ArrayList<>(WRITE_ACTIONS);
        all.addAll(READ_ACTIONS);
        all.add(LOGIN);
        ACTIONS = List.copyOf(all);
    }

    /** Every field name any action reads, plus nested ones: mutations pick among these. */
    private static final List<String> FIELDS = List.of(
            "container_id", "endpoint_name", "endpoint_url", "model_name", "model_source", "model_version",
            "preprocess_artifact", "input_type", "input_size", "tags", "system_tags", "reference", "timeout",
            "uptime_sec", "requests_num", "requests_min", "latency_ms", "machine_stats", "from_date", "to_date",
            "interval", "metric_type", "instance_charts", "expiration_sec");
    private static final List<String> MACHINE_FIELDS = List.of(
            "cpu_usage", "gpu_usage", "gpu_memory_free", "gpu_memory_used", "cpu_temperature", "gpu_temperature",
            "memory_used", "memory_free", "network_rx", "network_tx");
    private static final long T0_SEC = 1_740_830_400L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One HTTP call: what is sent, nothing more. {@code body} null means no body at all. */
    record Call(String method, String pathAndQuery, String authorization, String contentType, byte[] body) {

        /** This call as an HTTP request to the service at {@code baseUrl}. */
        java.net.http.HttpRequest request(String baseUrl, java.time.Duration timeout) {
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(baseUrl + pathAndQuery))
                    .timeout(timeout)
                    .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            return request.build();
        }

        @Override
        public String toString() {
            String shown = body == null ? "<none>" : body.length > 300
                    ? preview(body, 300) + "... (" + body.length + " bytes)" : preview(body, body.length);
            return method + " " + (pathAndQuery.length() > 300 ? pathAndQuery.substring(0, 300) + "..." : pathAndQuery)
                    + " auth=" + authorization + " type=" + contentType + " body=" + shown;
        }

        private static String preview(byte[] bytes, int length) {
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
    }

    /** The credentials the calls may carry: a valid Basic header, a valid Bearer header. */
    record Keys(String basic, String bearer, String otherBasic) {
    }

    private FuzzRequests() {
    }

    static Gen<Call> calls(Keys keys) {
        return Gen.of(ACTIONS).flatMap(action -> random -> {
            String path = path(action).next(random);
            String method = method().next(random);
            String auth = authorization(keys).next(random);
            String type = contentType().next(random);
            String query = query(action).next(random);
            byte[] body = body(action).next(random);
            return new Call(method, path + query, auth, type, body);
        });
    }

    // ---- request line ----

    private static Gen<String> method() {
        return frequency(
                weighted(8, just("GET")), weighted(8, just("POST")), weighted(2, just("HEAD")), weighted(1, just("PUT")),
                weighted(1, just("DELETE")), weighted(1, just("PATCH")), weighted(1, just("OPTIONS")),
                weighted(1, Gen.of("TRACE", "PROPFIND", "get", "Post", "FOO", "X-GET")));
    }

    private static Gen<String> path(String action) {
        Gen<String> digits = Gen.strings(Gen.chars('0', '9'), 1, 9);
        return frequency(
                weighted(10, just("/" + action)),
                weighted(3, Gen.of("/v2.31/", "/v999.0/", "/v2.32/", "/v3/", "/v1.0/", "/v2.30/", "/v0.0/")
                        .map(prefix -> prefix + action)),
                weighted(1, random -> "/v" + digits.next(random) + "." + digits.next(random) + "/" + action),
                weighted(1, Gen.of("/vx/", "/v/", "/v2.31.0/", "/v-1/", "/V2.31/", "//", "/v2.31//", "/./",
                        "/v2.31/v2.31/", "/serving/", "/%76%32.31/").map(prefix -> prefix + action)),
                weighted(1, Gen.of("/", "x", "/extra", "%00", "%FF", "%2F", ";a=b", "/.", "..", "%20", ".json")
                        .map(suffix -> "/" + action + suffix)),
                weighted(1, Gen.of(action.toUpperCase(), action.replace('.', '_'), action.replace(".", "%2E"),
                        action + action, "serving." , ".get_endpoints", "serving.get_endpoint", "internal/query/get_endpoints",
                        "internal/query/" + action.substring(action.indexOf('.') + 1), "")
                        .map(name -> "/" + name)),
                weighted(1, pathSegments().map(segments -> "/" + segments)));
    }

    /** Random path text, percent-encoded as a client would send it (with a few raw invalid escapes). */
    private static Gen<String> pathSegments() {
        return frequency(
                weighted(3, anyText(0, 40).map(FuzzRequests::encodePath)),
                weighted(1, Gen.of("%FF", "%C3%28", "%ED%A0%80", "%E2%82", "%00", "a%2Fb", "%25", "%C0%AF")));
    }

    private static Gen<String> query(String action) {
        Gen<String> name = frequency(weighted(3, Gen.of(FIELDS)), weighted(1, anyText(0, 12)));
        Gen<String> value = queryValue();
        Gen<String> params = ((Gen<String>) random -> encodeQuery(name.next(random)) + "=" + value.next(random))
                .list(1, 6)
                .map(list -> "?" + String.join("&", list));
        return frequency(
                weighted(6, just("")),
                weighted(2, params),
                weighted(1, validQuery(action)),
                weighted(1, Gen.of("?", "?&&", "?=", "?a", "?a=%FF", "?endpoint_url=%ED%A0%80", "?%FF=1",
                        "?from_date=1e999", "?interval=-1", "?instance_charts=maybe", "?a=1&a=2&a=3",
                        "?endpoint_url=%C3", "?tags=a&tags=b", "?container_id=" + "x".repeat(5000))));
    }

    private static Gen<String> queryValue() {
        return frequency(
                weighted(3, anyText(0, 30).map(FuzzRequests::encodeQuery)),
                weighted(1, Gen.longs().map(String::valueOf)),
                weighted(1, Gen.of("true", "false", "1e400", "-0", "0x10", "NaN", "Infinity", "%FF", "%ED%A0%80",
                        "", "%00", "9999999999999999999999999999999")));
    }

    private static Gen<String> validQuery(String action) {
        return Gen.longs(0, 4_000_000).map(offset -> switch (action) {
            case "serving.get_endpoint_details" -> "?endpoint_url=" + encodeQuery("/fuzz/" + offset);
            case "serving.get_endpoint_metrics_history" -> "?endpoint_url=%2Ffuzz&from_date=" + (T0_SEC - offset)
                    + "&to_date=" + (T0_SEC + 60) + "&interval=" + (1 + offset % 5000) + "&metric_type=cpu_util"
                    + "&instance_charts=" + (offset % 2 == 0);
            case LOGIN -> "?expiration_sec=" + offset;
            default -> "?container_id=q" + offset;
        });
    }

    // ---- headers ----

    private static Gen<String> authorization(Keys keys) {
        Gen<String> printable = Gen.strings(Gen.chars('!', '~'), 0, 60);
        return frequency(
                weighted(12, just(keys.basic())),
                weighted(4, just(keys.bearer())),
                weighted(1, just(keys.otherBasic())),
                weighted(2, just((String) null)),
                weighted(1, printable),
                weighted(1, printable.map(text -> "Basic " + text)),
                weighted(1, anyText(0, 30).map(text -> "Basic " + Base64.getEncoder().encodeToString(
                        text.getBytes(StandardCharsets.UTF_8)))),
                weighted(1, Gen.bytes(40).map(bytes -> "Basic " + Base64.getEncoder().encodeToString(bytes))),
                weighted(1, printable.map(text -> "Bearer " + text)),
                weighted(1, Gen.of("Basic", "Bearer", "Basic ", "Bearer  ", "basic " + keys.basic().substring(6),
                        "BEARER " + keys.bearer().substring(7), keys.bearer() + "x", keys.bearer().substring(0, 40),
                        "Digest abc", "Basic Og==", "Basic OmE=", "Basic YTo=", "Basic ====", keys.basic() + "=")));
    }

    private static Gen<String> contentType() {
        return frequency(
                weighted(4, just((String) null)),
                weighted(6, just("application/json")),
                weighted(2, Gen.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                        "multipart/form-data; boundary=xyz", "application/octet-stream", "application/json; charset=latin1",
                        "application/json; charset=utf-16", "application/json; charset=nonsense", "*/*", "", ";",
                        "text/html; charset=utf-8", "application/xml")),
                weighted(1, Gen.strings(Gen.chars(' ', '~'), 0, 40)));
    }

    // ---- bodies ----

    private static Gen<byte[]> body(String action) {
        return frequency(
                weighted(3, just((byte[]) null)),
                weighted(1, Gen.of(new byte[0], bytes(" "), bytes("\r\n\t "), bytes("{}"), bytes("null"),
                        bytes("[]"), bytes("\"\""), bytes("{\"a\":1}{}"), bytes("{} x"), bytes("{\"a\":1,\"a\":2}"),
                        bytes("\uFEFF{}"), bytes("{\"container_id\":\"a\",\"container_id\":\"b\"}"))),
                weighted(4, validRequest(action).map(FuzzRequests::write)),
                weighted(12, mutatedRequest(action).map(FuzzRequests::write)),
                weighted(2, jsonValue(3).map(FuzzRequests::write)),
                weighted(1, Gen.bytes(200)),
                weighted(2, invalidUtf8(action)),
                weighted(1, Gen.ints(1, 3000).map(FuzzRequests::deeplyNested)),
                weighted(1, truncated(action)),
                weighted(1, Gen.ints(1, 1 << 21).map(n ->
                        bytes("{\"container_id\": \"big\", \"endpoint_name\": \"" + "e".repeat(n) + "\"}"))));
    }

    /** A request the action accepts (given credentials), with random but in-range values. */
    static Gen<ObjectNode> validRequest(String action) {
        return switch (action) {
            case "serving.register_container" -> modelReport(false).map(node -> {
                node.put("timeout", 600);
                return node;
            });
            case "serving.container_status_report" -> random -> {
                ObjectNode node = modelReport(true).next(random);
                node.setAll(load().next(random));
                return node;
            };
            case "serving.unregister_container" -> id().map(id -> NODES.objectNode().put("container_id", id));
            case "serving.get_endpoint_details" -> url().map(url -> NODES.objectNode().put("endpoint_url", url));
            case "serving.get_endpoint_metrics_history" -> random -> {
                String url = url().next(random);
                long back = Gen.longs(1, 30 * 86_400L).next(random);
                long interval = Gen.longs(1, 100_000).next(random);
                String metric = Gen.of("requests", "requests_min", "latency_ms", "cpu_count", "gpu_count", "cpu_util",
                        "gpu_util", "ram_total", "ram_used", "ram_free", "gpu_ram_total", "gpu_ram_used",
                        "gpu_ram_free", "network_rx", "network_tx").next(random);
                boolean charts = Gen.booleans().next(random);
                return NODES.objectNode().put("endpoint_url", url)
                        .put("from_date", T0_SEC - back).put("to_date", T0_SEC + 60).put("interval", interval)
                        .put("metric_type", metric).put("instance_charts", charts);
            };
            case LOGIN -> Gen.longs(1, 365 * 86_400L).orNull(0.5)
                    .map(seconds -> seconds == null ? NODES.objectNode() : NODES.objectNode().put("expiration_sec", seconds));
            default -> random -> NODES.objectNode();
        };
    }

    private static Gen<ObjectNode> modelReport(boolean urlRequired) {
        Gen<String> optionalText = anyText(0, 20).orNull(0.3);
        return random -> {
            String id = id().next(random);
            String endpoint = anyText(1, 20).next(random);
            String url = (urlRequired ? url() : url().orNull(0.3)).next(random);
            String model = anyText(1, 20).next(random);
            String source = optionalText.next(random);
            String version = optionalText.next(random);
            Long inputSize = Gen.longs(0, 1L << 40).orNull(0.5).next(random);
            List<String> tags = anyText(0, 10).list(0, 3).orNull(0.5).next(random);
            ObjectNode node = NODES.objectNode().put("container_id", id).put("endpoint_name", endpoint)
                    .put("model_name", model);
            if (url != null) {
                node.put("endpoint_url", url);
            }
            node.put("model_source", source).put("model_version", version);
            if (inputSize != null) {
                node.put("input_size", inputSize);
            }
            if (tags != null) {
                ArrayNode array = node.putArray("tags");
                tags.forEach(array::add);
            }
            return node;
        };
    }

    private static Gen<ObjectNode> load() {
        Gen<Double> figure = Gen.doubles(0, 1e6);
        Gen<List<Double>> usage = Gen.doubles(0, 100).list(0, 8);
        return random -> {
            long uptime = Gen.longs(0, 1L << 40).next(random);
            long requests = Gen.longs(0, 1L << 40).next(random);
            double perMinute = figure.next(random);
            double latency = figure.next(random);
            List<Double> cpu = usage.next(random);
            List<Double> gpu = usage.next(random);
            double used = figure.next(random);
            double free = figure.next(random);
            ObjectNode node = NODES.objectNode().put("uptime_sec", uptime).put("requests_num", requests)
                    .put("requests_min", perMinute).put("latency_ms", latency);
            ObjectNode stats = node.putObject("machine_stats");
            cpu.forEach(stats.putArray("cpu_usage")::add);
            gpu.forEach(stats.putArray("gpu_usage")::add);
            stats.put("memory_used", used).put("memory_free", free);
            return node;
        };
    }

    private static Gen<String> id() {
        return frequency(weighted(3, Gen.of("c1", "c2", "c3", "a", "ab", "a\"", "a\\")),
                weighted(2, anyText(1, 24)));
    }

    private static Gen<String> url() {
        return frequency(weighted(3, Gen.of("/fuzz", "/fuzz/", "/fuzz/a", "/f", "https://x/y")),
                weighted(2, anyText(0, 24)));
    }

    /** A valid request with one to three things wrong (or merely unusual) about it. */
    private static Gen<ObjectNode> mutatedRequest(String action) {
        return random -> {
            ObjectNode node = validRequest(action).next(random);
            mutation().list(1, 3).next(random).forEach(mutation -> mutation.apply(node));
            return node;
        };
    }

    private interface Mutation {
        void apply(ObjectNode node);
    }

    private static Gen<Mutation> mutation() {
        Gen<String> field = frequency(weighted(4, Gen.of(FIELDS)), weighted(1, anyText(0, 12)));
        Gen<String> machineField = Gen.of(MACHINE_FIELDS);
        return frequency(
                weighted(2, field.map(name -> (Mutation) node -> node.remove(name))),
                weighted(4, random -> {
                    String name = field.next(random);
                    JsonNode value = oddValue().next(random);
                    return (Mutation) node -> node.set(name, value);
                }),
                weighted(2, random -> {
                    String name = machineField.next(random);
                    JsonNode value = oddValue().next(random);
                    return (Mutation) node -> {
                        JsonNode stats = node.get("machine_stats");
                        (stats instanceof ObjectNode object ? object : node.putObject("machine_stats")).set(name, value);
                    };
                }),
                weighted(1, random -> {
                    String name = field.next(random);
                    int count = Gen.ints(0, 1100).next(random);
                    return (Mutation) node -> node.set(name, list(count));
                }),
                weighted(1, Gen.ints(0, 80).map(count -> (Mutation) node -> {
                    ArrayNode reference = node.putArray("reference");
                    for (int i = 0; i < count; i++) {
                        reference.addObject().put("type", i % 7 == 0 ? "planet" : "url").put("value", "v" + i);
                    }
                })));
    }

    /** Values of every JSON type, with the awkward ones often: extremes, lone surrogates, huge strings. */
    private static Gen<JsonNode> oddValue() {
        return frequency(
                weighted(3, jsonValue(2)),
                weighted(2, Gen.<JsonNode>of(NODES.nullNode(), NODES.booleanNode(true), NODES.numberNode(-1),
                        NODES.numberNode(0), NODES.numberNode(0.5), NODES.numberNode(-0.0), NODES.numberNode(1e308),
                        NODES.numberNode(-1e308), NODES.numberNode(Long.MAX_VALUE), NODES.numberNode(Long.MIN_VALUE),
                        NODES.numberNode(1e15), NODES.numberNode(1e15 + 1), NODES.numberNode(4.9e-324),
                        NODES.numberNode(new BigInteger("123456789012345678901234567890123456789")),
                        NODES.numberNode(new BigDecimal("1e400")), NODES.numberNode(new BigDecimal("-1e-400")),
                        NODES.numberNode(253402300800L), NODES.numberNode(3_155_760_001L), NODES.numberNode(Integer.MAX_VALUE + 1L),
                        NODES.textNode(""), NODES.textNode("None"), NODES.textNode("1"), NODES.textNode("\uD800"),
                        NODES.textNode("\uDC00x"), NODES.textNode("a\u0000b"), NODES.textNode("\uFFFF"),
                        NODES.textNode("\uD83D\uDE00"), NODES.arrayNode(), NODES.objectNode(),
                        NODES.arrayNode().add(NODES.nullNode()), NODES.arrayNode().add("x").add(1))),
                weighted(1, Gen.ints(1000, 60_000).map(n -> NODES.textNode("\u00e9".repeat(n)))),
                weighted(1, Gen.ints(1000, 20_000).map(n -> NODES.textNode("\u0001".repeat(n)))));
    }

    private static Gen<JsonNode> jsonValue(int depth) {
        Gen<JsonNode> leaf = frequency(
                weighted(1, just(NODES.nullNode())),
                weighted(1, Gen.booleans().map(NODES::booleanNode)),
                weighted(2, Gen.longs().map(NODES::numberNode)),
                weighted(2, Gen.doubles().map(NODES::numberNode)),
                weighted(3, anyText(0, 30).map(NODES::textNode)));
        if (depth == 0) {
            return leaf;
        }
        Gen<JsonNode> inner = random -> jsonValue(depth - 1).next(random);
        Gen<JsonNode> array = inner.list(0, 4).map(items -> {
            ArrayNode node = NODES.arrayNode();
            items.forEach(node::add);
            return node;
        });
        Gen<String> name = frequency(weighted(1, Gen.of(FIELDS)), weighted(1, anyText(0, 10)));
        Gen<JsonNode> object = ((Gen<Map.Entry<String, JsonNode>>) random -> Map.entry(name.next(random), inner.next(random)))
                .list(0, 4).map(entries -> {
                    ObjectNode node = NODES.objectNode();
                    entries.forEach(entry -> node.set(entry.getKey(), entry.getValue()));
                    return node;
                });
        return frequency(weighted(4, leaf), weighted(1, array), weighted(2, object));
    }

    /** A valid request with bytes inside one of its strings that are not UTF-8 (or encode a surrogate). */
    private static Gen<byte[]> invalidUtf8(String action) {
        Gen<byte[]> bad = Gen.of("FF", "C0AF", "C328", "ED A080", "EDBFBF", "E282", "F4908080", "80", "FE",
                "F8888080 80", "C1BF", "E080 80").map(hex -> HexFormat.of().parseHex(hex.replace(" ", "")));
        return random -> {
            ObjectNode node = validRequest(action).next(random);
            byte[] invalid = bad.next(random);
            node.put("container_id", "\u0001marker\u0001");
            node.put("endpoint_url", "\u0001marker\u0001");
            byte[] json = write(node);
            byte[] marker = bytes("\\u0001marker\\u0001");
            return replaceFirst(json, marker, invalid);
        };
    }

    /** A valid request cut short. */
    private static Gen<byte[]> truncated(String action) {
        return random -> {
            byte[] json = write(validRequest(action).next(random));
            double fraction = Gen.doubles(0, 1).next(random);
            int length = Math.max(1, (int) (json.length * fraction)) - 1;
            byte[] cut = new byte[Math.max(1, length)];
            System.arraycopy(json, 0, cut, 0, cut.length);
            return cut;
        };
    }

    private static byte[] deeplyNested(int depth) {
        String open = depth % 2 == 0 ? "[" : "{\"a\":";
        String close = depth % 2 == 0 ? "]" : "}";
        return bytes("{\"container_id\": \"deep\", \"tags\": " + open.repeat(depth) + "1" + close.repeat(depth) + "}");
    }

    private static ArrayNode list(int count) {
        ArrayNode array = NODES.arrayNode();
        for (int i = 0; i < count; i++) {
            array.add(i % 3 == 0 ? NODES.textNode("t" + i) : NODES.numberNode(i));
        }
        return array;
    }

    // ---- text ----

    /**
     * Any UTF-16 text: mostly ASCII with JSON's special characters, often other planes' characters,
     * controls and lone surrogates.
     */
    static Gen<String> anyText(int minLength, int maxLength) {
        Gen<Character> chars = frequency(
                weighted(6, Gen.chars(' ', '~')),
                weighted(2, Gen.of('"', '\\', '/', ':', ',', '{', '}', '\u0000', '\n', '\u007f', '#')),
                weighted(1, Gen.chars('\u0000', '\u001f')),
                weighted(2, Gen.chars('\u0080', '\uffff')),
                weighted(1, Gen.chars('\ud800', '\udfff')));
        return Gen.strings(chars, minLength, maxLength);
    }

    static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] replaceFirst(byte[] data, byte[] marker, byte[] replacement) {
        for (int i = 0; i + marker.length <= data.length; i++) {
            boolean match = true;
            for (int k = 0; k < marker.length && match; k++) {
                match = data[i + k] == marker[k];
            }
            if (match) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(data, 0, i);
                out.write(replacement, 0, replacement.length);
                out.write(data, i + marker.length, data.length - i - marker.length);
                return out.toByteArray();
            }
        }
        return data;
    }

    /** Percent-encodes text for a path (UTF-8; a lone surrogate becomes '?', as Java's encoder does). */
    private static String encodePath(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodeQuery(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
