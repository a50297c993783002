package io.servingmonitor.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether the stores show each container's last report: {@code get_endpoint_details} of its url
 * lists it with {@code requests} equal to the sequence of its last event on {@code container-events}.
 */
final class StoreCheck {

    private StoreCheck() {
    }

    /**
     * Asks again (processing catches up after a failover) until every container shows its last
     * report or {@code timeout} passes; returns the containers that still differ, with what they show.
     */
    static List<String> mismatches(ServingClient client, Map<String, String> urlOfContainer, Map<String, Long> lastSeq,
                                   Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> mismatches;
        do {
            mismatches = compare(client, urlOfContainer, lastSeq);
            if (mismatches.isEmpty()) {
                return mismatches;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        return mismatches;
    }

    private static List<String> compare(ServingClient client, Map<String, String> urlOfContainer, Map<String, Long> lastSeq) {
        Map<String, Map<String, Long>> shownByUrl = new TreeMap<>();
        for (String url : new java.util.TreeSet<>(urlOfContainer.values())) {
            shownByUrl.put(url, shown(client, url));
        }
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Long> expected : new TreeMap<>(lastSeq).entrySet()) {
            String url = urlOfContainer.get(expected.getKey());
            if (url == null) {
                continue;
            }
            Long shown = shownByUrl.get(url).get(expected.getKey());
            if (!expected.getValue().equals(shown)) {
                mismatches.add(expected.getKey() + " shows " + shown + ", last event " + expected.getValue());
            }
        }
        return mismatches;
    }

    /** Container id to {@code requests} as {@code get_endpoint_details} shows them (empty when not answered). */
    private static Map<String, Long> shown(ServingClient client, String url) {
        Map<String, Long> shown = new HashMap<>();
        try {
            Reply reply = client.post("serving.get_endpoint_details", "{\"endpoint_url\": \"" + url + "\"}");
            if (reply.status() == 200) {
                for (JsonNode instance : reply.data().path("instances")) {
                    shown.put(instance.path("id").asText(), instance.path("requests").asLong());
                }
            }
        } catch (RuntimeException e) {
            // not answered this time: every container of the url differs, asked again
        }
        return shown;
    }
}
