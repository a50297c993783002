package io.servingmonitor.query;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servingmonitor.api.ApiException;
import java.util.List;
import java.util.Objects;

/**
 * The body of a forwarded read ({@code POST /internal/query/<action>}), as JSON (snake_case):
 * {@code {"company": "acme", "now_ms": 1740830400000, "partitions": [1, 4], "allow_stale": false,
 * "request": {...}}}. The receiving instance answers from those partitions of its own stores
 * only (never forwards again), at the caller's "now".
 *
 * @param company    the tenant, as the instance that received the client's call authenticated it
 * @param nowMs      "now" of that instance, so that every part of one answer filters alike
 * @param partitions the store partitions to read, each held by the receiver
 * @param allowStale whether a standby copy may answer (the active one being unreachable)
 * @param request    the validated fields of the action: {@code {}} for the lists,
 *                   {@code {"endpoint_url": ...}} for details, a {@link MetricsHistoryRequest} for history,
 *                   {@code {"container_id": ...}} for {@code container_registered}
 */
public record PeerQuery(String company, long nowMs, List<Integer> partitions, boolean allowStale, ObjectNode request) {

    /** Most partitions one query may name. */
    static final int MAX_PARTITIONS = 10_000;

    public PeerQuery {
        Objects.requireNonNull(company, "company");
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
        request = request == null ? JsonNodeFactory.instance.objectNode() : request;
    }

    /** A query of {@code company} at {@code nowMs}, partitions still to be chosen. */
    static PeerQuery of(String company, long nowMs, ObjectNode request) {
        return new PeerQuery(company, nowMs, List.of(), false, request);
    }

    /** The same query over {@code partitions}. */
    PeerQuery on(List<Integer> partitions, boolean allowStale) {
        return new PeerQuery(company, nowMs, partitions, allowStale, request);
    }

    /** Checks what a peer sent: 400/12 when unusable. */
    PeerQuery validated() {
        if (company.isEmpty()) {
            throw ApiException.malformedRequest("company is empty");
        }
        if (partitions.isEmpty() || partitions.size() > MAX_PARTITIONS
                || partitions.stream().anyMatch(p -> p == null || p < 0)) {
            throw ApiException.malformedRequest("partitions must list 1 to " + MAX_PARTITIONS + " partition numbers");
        }
        return this;
    }
}
