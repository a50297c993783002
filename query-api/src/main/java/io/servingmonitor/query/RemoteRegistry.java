package io.servingmonitor.query;

import io.servingmonitor.api.ApiException;
import io.servingmonitor.topics.Json;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Whether a container is registered, for a node without stores (an ingest node in a strict
 * registration mode): asks one of the listed query nodes on {@code /internal/query/container_registered}
 * with no partitions named, and that node answers from its router (locating the registry
 * partition, reading it there or asking its owner once). A node that cannot be reached or cannot
 * answer now (503) is replaced by the next one of the list, round after round, until the deadline;
 * then the stage fails with 503. Calls start at successive nodes, so the questions are spread.
 */
public final class RemoteRegistry {

    private static final long PAUSE_BETWEEN_ROUNDS_MS = 100;
    /** The shortest time one node is given to answer, however many nodes share the deadline. */
    private static final Duration MIN_NODE_TIMEOUT = Duration.ofSeconds(1);

    private final List<HostInfo> nodes;
    private final PeerTransport transport;
    private final Duration deadline;
    private final Duration nodeTimeout;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param queryNodes the query nodes' HTTP addresses
     * @param transport  how to ask them ({@link PeerClient}, signed with the shared token secret)
     * @param deadline   how long one question may take, failover included
     */
    public RemoteRegistry(List<HostInfo> queryNodes, PeerTransport transport, Duration deadline) {
        this.nodes = List.copyOf(queryNodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no query nodes");
        }
        this.transport = Objects.requireNonNull(transport, "transport");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        Duration share = deadline.dividedBy(nodes.size());
        this.nodeTimeout = share.compareTo(MIN_NODE_TIMEOUT) < 0 ? MIN_NODE_TIMEOUT : share;
    }

    /** Whether {@code containerId} of {@code company} is registered and live, as a query node reads it. */
    public CompletionStage<Boolean> containerRegistered(String company, String containerId) {
        PeerQuery query = PeerQuery.of(company, System.currentTimeMillis(),
                Json.mapper().createObjectNode().put("container_id", containerId));
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        ask(query, Math.floorMod(next.getAndIncrement(), nodes.size()), 0, System.nanoTime() + deadline.toNanos(), answer);
        return answer;
    }

    private void ask(PeerQuery query, int first, int attempt, long deadlineNanos, CompletableFuture<Boolean> answer) {
        HostInfo node = nodes.get((first + attempt) % nodes.size());
        Duration left = Duration.ofNanos(deadlineNanos - System.nanoTime());
        Duration timeout = left.compareTo(nodeTimeout) < 0 ? left : nodeTimeout;
        CompletionStage<ContainerRegistration> asked;
        try {
            asked = transport.query(node, PeerAction.CONTAINER_REGISTERED, query, timeout);
        } catch (RuntimeException e) {
            asked = CompletableFuture.failedFuture(e);
        }
        asked.whenComplete((registration, error) -> {
            if (error == null) {
                answer.complete(registration.registered());
                return;
            }
            Throwable cause = StoreReads.unwrap(error);
            if (!StoreReads.isTransient(cause)) {
                answer.completeExceptionally(cause);
                return;
            }
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (leftMs <= 0) {
                answer.completeExceptionally(ApiException.unavailable(
                        "No query node could say in time whether the container is registered; retry later"));
                return;
            }
            boolean roundDone = (attempt + 1) % nodes.size() == 0;
            long pauseMs = roundDone ? Math.min(PAUSE_BETWEEN_ROUNDS_MS, leftMs) : 0;
            CompletableFuture.delayedExecutor(pauseMs, TimeUnit.MILLISECONDS)
                    .execute(() -> ask(query, first, attempt + 1, deadlineNanos, answer));
        });
    }
}
