package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random fleets of several companies for the tenant-isolation properties, what each company must
 * read of them, and the check that every read action of every company answers exactly its own
 * part and nothing of the others'.
 *
 * <p>Company ids are what a credentials file can hold: any Unicode text (other planes, controls,
 * quotes, backslashes, JSON-looking pieces) without {@code :} or a line break, not starting with
 * {@code #} and without whitespace at either end (the file's format strips it), and therefore no
 * lone surrogate (no UTF-8 file can carry one). Companies come in families that are prefixes of
 * each other ({@code a}, {@code ab}, {@code a"}, {@code a\}, {@code a","url":"...}). Container ids and
 * urls are any UTF-16 text, lone surrogates included, drawn often from one small pool shared by
 * all companies, so that companies use the same ids and urls and urls that are prefixes of each
 * other. Every company's values differ ({@code model} names the company, request counters start
 * at its own offset), so data read by the wrong company is told apart even when ids and urls match.
 */
final class TenantWorlds {

    static final long T0_SEC = 1_740_830_400L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> SUFFIXES = List.of("", "b", "\"", "\\", "\",\"url\":\"", "\"}", "\u00e9",
            "\uD83D\uDE00", " x", "\u0000", "/", "%", "ab", ",");
    private static final List<String> SHARED_IDS = List.of("c", "c1", "c\"", "c\\", "c1\",\"x", "\uD800", "c1 ", "C");
    private static final List<String> SHARED_URLS = List.of("/u", "/u/", "/u2", "/u\"", "/u\\", "https://x/a",
            "https://x/ab", "\uDC00", "/u\",\"container_id\":\"c");

    /** One container of a company: its id and url ({@code null}: still loading, registered without url). */
    record Container(String id, String url) {
    }

    /** What one company writes: its containers, each written once (a register when loading, else a status report). */
    record Tenant(String company, List<Container> containers) {
    }

    /** Several companies and their containers; {@code index} gives each company its own values. */
    record World(List<Tenant> tenants) {

        int index(Tenant tenant) {
            return tenants.indexOf(tenant);
        }

        /** Every url any company writes to: each company is asked about all of them. */
        Set<String> allUrls() {
            Set<String> urls = new LinkedHashSet<>();
            tenants.forEach(t -> t.containers().forEach(c -> {
                if (c.url() != null) {
                    urls.add(c.url());
                }
            }));
            return urls;
        }

        /** The same world with {@code tag} put before every container id and url (distinct worlds on one broker). */
        World tagged(String tag) {
            return new World(tenants.stream().map(t -> new Tenant(t.company(), t.containers().stream()
                    .map(c -> new Container(tag + c.id(), c.url() == null ? null : tag + c.url())).toList())).toList());
        }
    }

    private TenantWorlds() {
    }

    // ---- generators ----

    /** A company id as a credentials file can hold it (see the class comment). */
    static Arbitrary<String> companyText(int maxLength) {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between('a', 'z')),
                Tuple.of(3, Arbitraries.of((int) '"', (int) '\\', (int) '{', (int) '}', (int) ',', (int) '#', (int) ' ',
                        (int) '/', (int) '.', (int) '\t', 0, 0x7f, (int) '%')),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xd7ff)),
                Tuple.of(1, Arbitraries.integers().between(0xe000, 0xfffd)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10ffff)));
        return codePoints.list().ofMinSize(1).ofMaxSize(maxLength).map(list -> {
            StringBuilder text = new StringBuilder();
            list.forEach(text::appendCodePoint);
            return text.toString();
        }).map(TenantWorlds::fileSafe);
    }

    /** {@code text} as a credentials file keeps it: no ':' or line break, stripped, not a comment, not empty. */
    static String fileSafe(String text) {
        String safe = text.replace(':', '_').replace('\n', '_').replace('\r', '_').strip();
        return safe.isEmpty() || safe.startsWith("#") ? "x" + safe : safe;
    }

    /** 2 to 5 distinct companies, in families of prefixes of each other. */
    static Arbitrary<List<String>> companies() {
        Arbitrary<String> suffix = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(SUFFIXES)), Tuple.of(1, companyText(4)));
        Arbitrary<Map.Entry<Integer, String>> pick = Combinators.combine(Arbitraries.integers().between(0, 2), suffix)
                .as(Map::entry);
        return Combinators.combine(companyText(6).list().ofMinSize(1).ofMaxSize(3), pick.list().ofMinSize(2).ofMaxSize(5))
                .as(TenantWorlds::companies);
    }

    /** The companies of {@code picks}: each a base (its index modulo the bases) and a suffix; two at least. */
    private static List<String> companies(List<String> bases, List<Map.Entry<Integer, String>> picks) {
        Set<String> companies = new LinkedHashSet<>();
        for (Map.Entry<Integer, String> chosen : picks) {
            companies.add(fileSafe(bases.get(chosen.getKey() % bases.size()) + chosen.getValue()));
        }
        for (Iterator<String> it = bases.iterator(); companies.size() < 2 && it.hasNext(); ) {
            companies.add(fileSafe(it.next() + "b"));
        }
        if (companies.size() < 2) {
            companies.add(companies.iterator().next() + "b");
        }
        return List.copyOf(companies);
    }

    static Arbitrary<String> containerId() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(SHARED_IDS)), Tuple.of(2, FuzzRequests.anyText(1, 10)));
    }

    static Arbitrary<String> url() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(SHARED_URLS)), Tuple.of(2, FuzzRequests.anyText(1, 12)));
    }

    /** 1 to 4 containers with distinct ids, about a quarter of them loading. */
    static Arbitrary<List<Container>> containers() {
        return Combinators.combine(containerId(), url().injectNull(0.25)).as(Container::new)
                .list().ofMinSize(1).ofMaxSize(4).uniqueElements(Container::id);
    }

    /** A world of the given companies (e.g. a fixed set whose keys a running service knows). */
    static Arbitrary<World> worlds(List<String> companies) {
        return containers().list().ofSize(companies.size()).map(fleets -> {
            List<Tenant> tenants = new ArrayList<>();
            for (int i = 0; i < companies.size(); i++) {
                tenants.add(new Tenant(companies.get(i), fleets.get(i)));
            }
            return new World(tenants);
        });
    }

    static Arbitrary<World> worlds() {
        return companies().flatMap(TenantWorlds::worlds);
    }

    // ---- writing ----

    /** The call that writes {@code container} for its company ({@code index}: the company's place in the world). */
    static Reply write(ServingClient client, int index, Container container, int containerIndex) {
        ObjectNode body = MAPPER.createObjectNode()
                .put("container_id", container.id())
                .put("endpoint_name", endpointName(index))
                .put("model_name", modelName(index));
        if (container.url() == null) {
            return client.post("serving.register_container", json(body.put("timeout", 600)));
        }
        body.put("endpoint_url", container.url())
                .put("uptime_sec", 60 + containerIndex)
                .put("requests_num", requests(index, containerIndex))
                .put("requests_min", 1.5)
                .put("latency_ms", 10);
        return client.post("serving.container_status_report", json(body));
    }

    static String endpointName(int index) {
        return "endpoint-of-company-" + index;
    }

    static String modelName(int index) {
        return "model-of-company-" + index;
    }

    static long requests(int index, int containerIndex) {
        return 1_000_000L * (index + 1) + containerIndex;
    }

    /**
     * The body as bytes of Jackson's UTF-8 writer, which escapes every surrogate ({@code \uD800}),
     * then as text: a lone surrogate in an id or url reaches the server as the JSON escape.
     */
    static String json(JsonNode body) {
        try {
            return new String(MAPPER.writeValueAsBytes(body), StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- what each company must read ----

    /** One {@code get_endpoints} row as the company must see it. */
    record Row(int instances, long requests, String model) {
    }

    static Map<String, Row> expectedRows(World world, Tenant tenant) {
        Map<String, Row> rows = new TreeMap<>();
        int index = world.index(tenant);
        for (int i = 0; i < tenant.containers().size(); i++) {
            Container c = tenant.containers().get(i);
            if (c.url() != null) {
                long requests = requests(index, i);
                rows.merge(c.url(), new Row(1, requests, modelName(index)),
                        (a, b) -> new Row(a.instances() + 1, a.requests() + b.requests(), a.model()));
            }
        }
        return rows;
    }

    static Set<String> expectedLoading(Tenant tenant) {
        Set<String> ids = new TreeSet<>();
        tenant.containers().stream().filter(c -> c.url() == null).forEach(c -> ids.add(c.id()));
        return ids;
    }

    /** Per container on {@code url}: its request counter. */
    static Map<String, Long> expectedMembers(World world, Tenant tenant, String url) {
        Map<String, Long> members = new TreeMap<>();
        int index = world.index(tenant);
        for (int i = 0; i < tenant.containers().size(); i++) {
            Container c = tenant.containers().get(i);
            if (Objects.equals(c.url(), url)) {
                members.put(c.id(), requests(index, i));
            }
        }
        return members;
    }

    // ---- reading ----

    /** Everything one company read, in comparable form. */
    record Reads(Map<String, Row> rows, Set<String> loading, Map<String, Map<String, Long>> members,
                 Map<String, Map<String, Long>> history) {
    }

    /** What {@code tenant} must read: its own part of the world, nothing else. */
    static Reads expected(World world, Tenant tenant) {
        Map<String, Map<String, Long>> members = new TreeMap<>();
        for (String url : world.allUrls()) {
            members.put(url, expectedMembers(world, tenant, url));
        }
        return new Reads(expectedRows(world, tenant), expectedLoading(tenant), members, members);
    }

    /**
     * What {@code client} (signed in as one company) reads with all four read actions: the rows of
     * {@code get_endpoints}, the ids of {@code get_loading_instances} (each checked to carry
     * {@code model} of the company), and for every url of the world the containers and request
     * counters of {@code get_endpoint_details} (400/1052 read as none) and of
     * {@code get_endpoint_metrics_history}. Null when a read did not answer 200 (or 1052) yet.
     */
    static Reads read(ServingClient client, World world, int index, long fromSec, long toSec) {
        Reply endpoints = client.get("serving.get_endpoints", "{}");
        Reply loading = client.get("serving.get_loading_instances", "{}");
        if (endpoints.status() != 200 || loading.status() != 200) {
            return null;
        }
        Map<String, Row> rows = new TreeMap<>();
        for (JsonNode row : endpoints.data().path("endpoints")) {
            rows.put(row.path("url").asText(), new Row(row.path("instances").asInt(), row.path("requests").asLong(),
                    row.path("model").asText()));
        }
        Set<String> loadingIds = new TreeSet<>();
        for (JsonNode instance : loading.data().path("instances")) {
            assertThat(instance.path("model").asText()).as("model of a loading instance read by company %s", index)
                    .isEqualTo(modelName(index));
            loadingIds.add(instance.path("id").asText());
        }
        Map<String, Map<String, Long>> members = new TreeMap<>();
        Map<String, Map<String, Long>> history = new TreeMap<>();
        for (String url : world.allUrls()) {
            ObjectNode request = MAPPER.createObjectNode().put("endpoint_url", url);
            Reply details = client.get("serving.get_endpoint_details", json(request));
            Map<String, Long> found = new TreeMap<>();
            if (details.status() == 200) {
                assertThat(details.data().path("model").asText()).as("model of %s read by company %s", url, index)
                        .isEqualTo(modelName(index));
                for (JsonNode instance : details.data().path("instances")) {
                    found.put(instance.path("id").asText(), instance.path("requests").asLong());
                }
            } else if (details.status() != 400 || details.resultSubcode() != 1052) {
                return null;
            }
            members.put(url, found);
            request.put("from_date", fromSec).put("to_date", toSec).put("interval", 3600)
                    .put("metric_type", "requests").put("instance_charts", true);
            Reply chart = client.get("serving.get_endpoint_metrics_history", json(request));
            if (chart.status() != 200) {
                return null;
            }
            Map<String, Long> charted = new TreeMap<>();
            chart.data().path("instances").fields().forEachRemaining(entry ->
                    charted.put(entry.getKey(), sum(entry.getValue().path("values"))));
            history.put(url, charted);
        }
        return new Reads(rows, loadingIds, members, history);
    }

    /**
     * Whether {@code actual} holds nothing that is not in {@code expected}: every row, id and
     * container read belongs to the company (the reads may still lag the writes, never leak).
     */
    static boolean within(Reads actual, Reads expected) {
        for (Map.Entry<String, Row> row : actual.rows().entrySet()) {
            Row own = expected.rows().get(row.getKey());
            if (own == null || row.getValue().instances() > own.instances() || !row.getValue().model().equals(own.model())) {
                return false;
            }
        }
        return expected.loading().containsAll(actual.loading())
                && containedIn(actual.members(), expected.members())
                && containedIn(actual.history(), expected.history());
    }

    private static boolean containedIn(Map<String, Map<String, Long>> actual, Map<String, Map<String, Long>> expected) {
        for (Map.Entry<String, Map<String, Long>> url : actual.entrySet()) {
            Map<String, Long> own = expected.getOrDefault(url.getKey(), Map.of());
            for (Map.Entry<String, Long> member : url.getValue().entrySet()) {
                if (!member.getValue().equals(own.get(member.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long sum(JsonNode values) {
        double total = 0;
        for (JsonNode value : values) {
            total += value.asDouble();
        }
        return Math.round(total);
    }

    /** A short description of {@code world} for failure messages (escapes shown as Java would). */
    static String describe(World world) {
        Map<String, Object> shown = new LinkedHashMap<>();
        world.tenants().forEach(t -> shown.put(escape(t.company()), t.containers().stream()
                .map(c -> escape(c.id()) + "@" + (c.url() == null ? "loading" : escape(c.url()))).toList()));
        return shown.toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04X", c) : String.valueOf((char) c)));
        return out.append('"').toString();
    }
}
