package io.servingmonitor.launcher;

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
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

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
    /** Decimal places of the generated doubles: enough for every digit a double holds near 1. */
    private static final int DOUBLE_SCALE = 17;

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

    /** Calls to every action, each action equally likely. */
    static Arbitrary<Call> calls(Keys keys) {
        return Arbitraries.oneOf(ACTIONS.stream().map(action -> callsTo(action, keys)).toList());
    }

    private static Arbitrary<Call> callsTo(String action, Keys keys) {
        return Combinators.combine(method(), path(action), query(action), authorization(keys), contentType(), body(action))
                .as((method, path, query, auth, type, body) -> new Call(method, path + query, auth, type, body));
    }

    // ---- request line ----

    private static Arbitrary<String> method() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just("GET")), Tuple.of(8, Arbitraries.just("POST")),
                Tuple.of(2, Arbitraries.just("HEAD")), Tuple.of(1, Arbitraries.just("PUT")),
                Tuple.of(1, Arbitraries.just("DELETE")), Tuple.of(1, Arbitraries.just("PATCH")),
                Tuple.of(1, Arbitraries.just("OPTIONS")),
                Tuple.of(1, Arbitraries.of("TRACE", "PROPFIND", "get", "Post", "FOO", "X-GET")));
    }

    private static Arbitrary<String> path(String action) {
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(9);
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.just("/" + action)),
                Tuple.of(3, Arbitraries.of("/v2.31/", "/v999.0/", "/v2.32/", "/v3/", "/v1.0/", "/v2.30/", "/v0.0/")
                        .map(prefix -> prefix + action)),
                Tuple.of(1, Combinators.combine(digits, digits).as((major, minor) -> "/v" + major + "." + minor + "/" + action)),
                Tuple.of(1, Arbitraries.of("/vx/", "/v/", "/v2.31.0/", "/v-1/", "/V2.31/", "//", "/v2.31//", "/./",
                        "/v2.31/v2.31/", "/serving/", "/%76%32.31/").map(prefix -> prefix + action)),
                Tuple.of(1, Arbitraries.of("/", "x", "/extra", "%00", "%FF", "%2F", ";a=b", "/.", "..", "%20", ".json")
                        .map(suffix -> "/" + action + suffix)),
                Tuple.of(1, Arbitraries.of(action.toUpperCase(), action.replace('.', '_'), action.replace(".", "%2E"),
                        action + action, "serving." , ".get_endpoints", "serving.get_endpoint", "internal/query/get_endpoints",
                        "internal/query/" + action.substring(action.indexOf('.') + 1), "")
                        .map(name -> "/" + name)),
                Tuple.of(1, pathSegments().map(segments -> "/" + segments)));
    }

    /** Random path text, percent-encoded as a client would send it (with a few raw invalid escapes). */
    private static Arbitrary<String> pathSegments() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, anyText(0, 40).map(FuzzRequests::encodePath)),
                Tuple.of(1, Arbitraries.of("%FF", "%C3%28", "%ED%A0%80", "%E2%82", "%00", "a%2Fb", "%25", "%C0%AF")));
    }

    private static Arbitrary<String> query(String action) {
        Arbitrary<String> name = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(FIELDS)), Tuple.of(1, anyText(0, 12)));
        Arbitrary<String> params = Combinators.combine(name, queryValue())
                .as((field, value) -> encodeQuery(field) + "=" + value)
                .list().ofMinSize(1).ofMaxSize(6)
                .map(list -> "?" + String.join("&", list));
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("")),
                Tuple.of(2, params),
                Tuple.of(1, validQuery(action)),
                Tuple.of(1, Arbitraries.of("?", "?&&", "?=", "?a", "?a=%FF", "?endpoint_url=%ED%A0%80", "?%FF=1",
                        "?from_date=1e999", "?interval=-1", "?instance_charts=maybe", "?a=1&a=2&a=3",
                        "?endpoint_url=%C3", "?tags=a&tags=b", "?container_id=" + "x".repeat(5000))));
    }

    private static Arbitrary<String> queryValue() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, anyText(0, 30).map(FuzzRequests::encodeQuery)),
                Tuple.of(1, anyLong().map(String::valueOf)),
                Tuple.of(1, Arbitraries.of("true", "false", "1e400", "-0", "0x10", "NaN", "Infinity", "%FF", "%ED%A0%80",
                        "", "%00", "9999999999999999999999999999999")));
    }

    private static Arbitrary<String> validQuery(String action) {
        return Arbitraries.longs().between(0, 4_000_000).map(offset -> switch (action) {
            case "serving.get_endpoint_details" -> "?endpoint_url=" + encodeQuery("/fuzz/" + offset);
            case "serving.get_endpoint_metrics_history" -> "?endpoint_url=%2Ffuzz&from_date=" + (T0_SEC - offset)
                    + "&to_date=" + (T0_SEC + 60) + "&interval=" + (1 + offset % 5000) + "&metric_type=cpu_util"
                    + "&instance_charts=" + (offset % 2 == 0);
            case LOGIN -> "?expiration_sec=" + offset;
            default -> "?container_id=q" + offset;
        });
    }

    // ---- headers ----

    private static Arbitrary<String> authorization(Keys keys) {
        Arbitrary<String> printable = Arbitraries.strings().withCharRange('!', '~').ofMaxLength(60);
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(keys.basic())),
                Tuple.of(4, Arbitraries.just(keys.bearer())),
                Tuple.of(1, Arbitraries.just(keys.otherBasic())),
                Tuple.of(2, Arbitraries.just((String) null)),
                Tuple.of(1, printable),
                Tuple.of(1, printable.map(text -> "Basic " + text)),
                Tuple.of(1, anyText(0, 30).map(text -> "Basic " + Base64.getEncoder().encodeToString(
                        text.getBytes(StandardCharsets.UTF_8)))),
                Tuple.of(1, randomBytes(40).map(bytes -> "Basic " + Base64.getEncoder().encodeToString(bytes))),
                Tuple.of(1, printable.map(text -> "Bearer " + text)),
                Tuple.of(1, Arbitraries.of("Basic", "Bearer", "Basic ", "Bearer  ", "basic " + keys.basic().substring(6),
                        "BEARER " + keys.bearer().substring(7), keys.bearer() + "x", keys.bearer().substring(0, 40),
                        "Digest abc", "Basic Og==", "Basic OmE=", "Basic YTo=", "Basic ====", keys.basic() + "=")));
    }

    private static Arbitrary<String> contentType() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just((String) null)),
                Tuple.of(6, Arbitraries.just("application/json")),
                Tuple.of(2, Arbitraries.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                        "multipart/form-data; boundary=xyz", "application/octet-stream", "application/json; charset=latin1",
                        "application/json; charset=utf-16", "application/json; charset=nonsense", "*/*", "", ";",
                        "text/html; charset=utf-8", "application/xml")),
                Tuple.of(1, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40)));
    }

    // ---- bodies ----

    private static Arbitrary<byte[]> body(String action) {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just((byte[]) null)),
                Tuple.of(1, Arbitraries.of(new byte[0], bytes(" "), bytes("\r\n\t "), bytes("{}"), bytes("null"),
                        bytes("[]"), bytes("\"\""), bytes("{\"a\":1}{}"), bytes("{} x"), bytes("{\"a\":1,\"a\":2}"),
                        bytes("\uFEFF{}"), bytes("{\"container_id\":\"a\",\"container_id\":\"b\"}"))),
                Tuple.of(4, validRequest(action).map(FuzzRequests::write)),
                Tuple.of(12, mutatedRequest(action).map(FuzzRequests::write)),
                Tuple.of(2, jsonValue(3).map(FuzzRequests::write)),
                Tuple.of(1, randomBytes(200)),
                Tuple.of(2, invalidUtf8(action)),
                Tuple.of(1, Arbitraries.integers().between(1, 3000).map(FuzzRequests::deeplyNested)),
                Tuple.of(1, truncated(action)),
                Tuple.of(1, Arbitraries.integers().between(1, 1 << 21).map(n ->
                        bytes("{\"container_id\": \"big\", \"endpoint_name\": \"" + "e".repeat(n) + "\"}"))));
    }

    /** A request the action accepts (given credentials), with random but in-range values. */
    static Arbitrary<ObjectNode> validRequest(String action) {
        return switch (action) {
            case "serving.register_container" -> modelReport(false).map(node -> node.put("timeout", 600));
            case "serving.container_status_report" -> Combinators.combine(modelReport(true), load())
                    .as((node, load) -> {
                        ObjectNode report = node.deepCopy();
                        report.setAll(load);
                        return report;
                    });
            case "serving.unregister_container" -> id().map(id -> NODES.objectNode().put("container_id", id));
            case "serving.get_endpoint_details" -> url().map(url -> NODES.objectNode().put("endpoint_url", url));
            case "serving.get_endpoint_metrics_history" -> Combinators.combine(
                            url(),
                            Arbitraries.longs().between(1, 30 * 86_400L),
                            Arbitraries.longs().between(1, 100_000),
                            Arbitraries.of("requests", "requests_min", "latency_ms", "cpu_count", "gpu_count", "cpu_util",
                                    "gpu_util", "ram_total", "ram_used", "ram_free", "gpu_ram_total", "gpu_ram_used",
                                    "gpu_ram_free", "network_rx", "network_tx"),
                            booleans())
                    .as((url, back, interval, metric, charts) -> NODES.objectNode().put("endpoint_url", url)
                            .put("from_date", T0_SEC - back).put("to_date", T0_SEC + 60).put("interval", interval)
                            .put("metric_type", metric).put("instance_charts", charts));
            case LOGIN -> Arbitraries.longs().between(1, 365 * 86_400L).injectNull(0.5)
                    .map(seconds -> seconds == null ? NODES.objectNode() : NODES.objectNode().put("expiration_sec", seconds));
            default -> Arbitraries.create(NODES::objectNode);
        };
    }

    private static Arbitrary<ObjectNode> modelReport(boolean urlRequired) {
        Arbitrary<String> optionalText = anyText(0, 20).injectNull(0.3);
        return Combinators.combine(
                        id(),
                        anyText(1, 20),
                        urlRequired ? url() : url().injectNull(0.3),
                        anyText(1, 20),
                        optionalText,
                        optionalText,
                        Arbitraries.longs().between(0, 1L << 40).injectNull(0.5),
                        anyText(0, 10).list().ofMaxSize(3).injectNull(0.5))
                .as((id, endpoint, url, model, source, version, inputSize, tags) -> {
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
                });
    }

    private static Arbitrary<ObjectNode> load() {
        Arbitrary<Double> figure = doubles(0, 1e6);
        Arbitrary<List<Double>> usage = doubles(0, 100).list().ofMaxSize(8);
        Arbitrary<Long> counter = Arbitraries.longs().between(0, 1L << 40);
        return Combinators.combine(counter, counter, figure, figure, usage, usage, figure, figure)
                .as((uptime, requests, perMinute, latency, cpu, gpu, used, free) -> {
                    ObjectNode node = NODES.objectNode().put("uptime_sec", uptime).put("requests_num", requests)
                            .put("requests_min", perMinute).put("latency_ms", latency);
                    ObjectNode stats = node.putObject("machine_stats");
                    cpu.forEach(stats.putArray("cpu_usage")::add);
                    gpu.forEach(stats.putArray("gpu_usage")::add);
                    stats.put("memory_used", used).put("memory_free", free);
                    return node;
                });
    }

    private static Arbitrary<String> id() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of("c1", "c2", "c3", "a", "ab", "a\"", "a\\")),
                Tuple.of(2, anyText(1, 24)));
    }

    private static Arbitrary<String> url() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of("/fuzz", "/fuzz/", "/fuzz/a", "/f", "https://x/y")),
                Tuple.of(2, anyText(0, 24)));
    }

    /** A valid request with one to three things wrong (or merely unusual) about it. */
    private static Arbitrary<ObjectNode> mutatedRequest(String action) {
        return Combinators.combine(validRequest(action), mutation().list().ofMinSize(1).ofMaxSize(3))
                .as((node, mutations) -> {
                    ObjectNode mutated = node.deepCopy();
                    mutations.forEach(mutation -> mutation.apply(mutated));
                    return mutated;
                });
    }

    private interface Mutation {
        void apply(ObjectNode node);
    }

    private static Arbitrary<Mutation> mutation() {
        Arbitrary<String> field = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(FIELDS)), Tuple.of(1, anyText(0, 12)));
        Arbitrary<String> machineField = Arbitraries.of(MACHINE_FIELDS);
        Arbitrary<JsonNode> oddValue = oddValue();
        return Arbitraries.frequencyOf(
                Tuple.of(2, field.map(name -> (Mutation) node -> node.remove(name))),
                Tuple.of(4, Combinators.combine(field, oddValue).as((name, value) -> (Mutation) node -> node.set(name, value))),
                Tuple.of(2, Combinators.combine(machineField, oddValue).as((name, value) -> (Mutation) node -> {
                    JsonNode stats = node.get("machine_stats");
                    (stats instanceof ObjectNode object ? object : node.putObject("machine_stats")).set(name, value);
                })),
                Tuple.of(1, Combinators.combine(field, Arbitraries.integers().between(0, 1100))
                        .as((name, count) -> (Mutation) node -> node.set(name, list(count)))),
                Tuple.of(1, Arbitraries.integers().between(0, 80).map(count -> (Mutation) node -> {
                    ArrayNode reference = node.putArray("reference");
                    for (int i = 0; i < count; i++) {
                        reference.addObject().put("type", i % 7 == 0 ? "planet" : "url").put("value", "v" + i);
                    }
                })));
    }

    /** Values of every JSON type, with the awkward ones often: extremes, lone surrogates, huge strings. */
    private static Arbitrary<JsonNode> oddValue() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, jsonValue(2)),
                Tuple.of(2, Arbitraries.<JsonNode>of(NODES.nullNode(), NODES.booleanNode(true), NODES.numberNode(-1),
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
                Tuple.of(1, Arbitraries.integers().between(1000, 60_000).map(n -> NODES.textNode("\u00e9".repeat(n)))),
                Tuple.of(1, Arbitraries.integers().between(1000, 20_000).map(n -> NODES.textNode("\u0001".repeat(n)))));
    }

    /** JSON of up to {@code depth} levels of arrays and objects (of up to 4 members) over any leaf. */
    private static Arbitrary<JsonNode> jsonValue(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(NODES.nullNode())),
                Tuple.of(1, booleans().map(NODES::booleanNode)),
                Tuple.of(2, anyLong().map(NODES::numberNode)),
                Tuple.of(2, anyDouble().map(NODES::numberNode)),
                Tuple.of(3, anyText(0, 30).map(NODES::textNode)));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> inner = jsonValue(depth - 1);
        Arbitrary<JsonNode> array = inner.list().ofMaxSize(4).map(items -> {
            ArrayNode node = NODES.arrayNode();
            items.forEach(node::add);
            return node;
        });
        Arbitrary<String> name = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(FIELDS)), Tuple.of(1, anyText(0, 10)));
        Arbitrary<JsonNode> object = Combinators.combine(name, inner).as(Map::entry).list().ofMaxSize(4).map(entries -> {
            ObjectNode node = NODES.objectNode();
            entries.forEach(entry -> node.set(entry.getKey(), entry.getValue()));
            return node;
        });
        return Arbitraries.frequencyOf(Tuple.of(4, leaf), Tuple.of(1, array), Tuple.of(2, object));
    }

    /** A valid request with bytes inside one of its strings that are not UTF-8 (or encode a surrogate). */
    private static Arbitrary<byte[]> invalidUtf8(String action) {
        Arbitrary<byte[]> bad = Arbitraries.of("FF", "C0AF", "C328", "ED A080", "EDBFBF", "E282", "F4908080", "80", "FE",
                "F8888080 80", "C1BF", "E080 80").map(hex -> HexFormat.of().parseHex(hex.replace(" ", "")));
        return Combinators.combine(validRequest(action), bad).as((node, invalid) -> {
            ObjectNode marked = node.deepCopy();
            marked.put("container_id", "\u0001marker\u0001");
            marked.put("endpoint_url", "\u0001marker\u0001");
            byte[] json = write(marked);
            byte[] marker = bytes("\\u0001marker\\u0001");
            return replaceFirst(json, marker, invalid);
        });
    }

    /** A valid request cut short: its first 1 to length - 2 bytes (1 at least). */
    private static Arbitrary<byte[]> truncated(String action) {
        return validRequest(action).map(FuzzRequests::write).flatMap(json ->
                Arbitraries.integers().between(1, Math.max(1, json.length - 2)).map(length -> Arrays.copyOf(json, length)));
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

    // ---- numbers and text ----

    /** Any long: the whole range, small ones, and the extremes. */
    private static Arbitrary<Long> anyLong() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs()),
                Tuple.of(2, Arbitraries.longs().between(-1000, 1000)),
                Tuple.of(1, Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1)));
    }

    /**
     * Any finite double, of any magnitude (10^-308 to 10^308) and sign, with the awkward ones often.
     * (jqwik's own doubles have a fixed number of decimals, so the magnitude is drawn apart.)
     */
    private static Arbitrary<Double> anyDouble() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(doubles(-1, 1), Arbitraries.integers().between(-308, 308))
                        .as((mantissa, exponent) -> mantissa * Math.pow(10, exponent))),
                Tuple.of(1, Arbitraries.of(0.0, -0.0, 1.0, -1.0, 0.5, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
                        Double.MIN_NORMAL, 1e15 + 0.5)));
    }

    /** {@code min} (included) to {@code max} (excluded), to the full precision of a double. */
    private static Arbitrary<Double> doubles(double min, double max) {
        return Arbitraries.doubles().between(min, true, max, false).ofScale(DOUBLE_SCALE);
    }

    private static Arbitrary<Boolean> booleans() {
        return Arbitraries.of(true, false);
    }

    /** Arrays of 0 to {@code maxSize} random bytes. */
    private static Arbitrary<byte[]> randomBytes(int maxSize) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize);
    }

    /**
     * Any UTF-16 text: mostly ASCII with JSON's special characters, often other planes' characters,
     * controls and lone surrogates. (Drawn as a list of characters, since jqwik's strings weigh
     * character ranges by their size, and the surrogates and controls would all but vanish.)
     */
    static Arbitrary<String> anyText(int minLength, int maxLength) {
        Arbitrary<Character> chars = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.chars().range(' ', '~')),
                Tuple.of(2, Arbitraries.of('"', '\\', '/', ':', ',', '{', '}', '\u0000', '\n', '\u007f', '#')),
                Tuple.of(1, Arbitraries.chars().range('\u0000', '\u001f')),
                Tuple.of(2, Arbitraries.chars().range('\u0080', '\uffff')),
                Tuple.of(1, Arbitraries.chars().range('\ud800', '\udfff')));
        return chars.list().ofMinSize(minLength).ofMaxSize(maxLength).map(list -> {
            StringBuilder text = new StringBuilder(list.size());
            list.forEach(text::append);
            return text.toString();
        });
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
