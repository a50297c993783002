package io.servingmonitor.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servingmonitor.processor.endpoints.EndpointView;
import io.servingmonitor.processor.registry.ContainerRegistry;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every read action on any instance: locates the store partitions the read needs, reads
 * the ones this instance holds from its own stores ({@link ServingQueries}) and asks the instance
 * holding each other partition ({@link PeerTransport}), one call per instance, then joins the
 * parts ({@link PeerAction#merge}).
 *
 * <ul>
 *   <li>Keyed reads (details, history, whether a container is registered) need the one partition
 *       of the key in the store actually read: the endpoint store for details, the metric store of
 *       the planned resolution for history, the registry for a container (their tasks may live on
 *       different instances).
 *   <li>List reads (endpoints, loading instances) need every partition of their store; an
 *       answer is complete or an error (503), never a silently partial list.
 *   <li>Every attempt runs through {@link StoreReads#runAsync}: an owner not known yet
 *       ({@code NOT_AVAILABLE}), a partition that moved, a peer answering 503 or unreachable,
 *       all locate again and retry until the read deadline, then answer 503.
 *   <li>An unreachable active owner (a crashed instance still in the group's metadata) is
 *       replaced by a standby copy of the same partitions when one exists (this instance's
 *       own, else a peer's, asked with {@code allow_stale}); such an answer may lag slightly.
 *   <li>Errors the owner answers (e.g. 400/1052) reach the caller unchanged.
 * </ul>
 *
 * <p>A peer's forwarded query is answered by {@link #answerForPeer} from local partitions only,
 * so a read is forwarded at most once.
 */
public final class QueryRouter {

    private static final Logger LOG = LoggerFactory.getLogger(QueryRouter.class);

    private final ServingQueries local;
    private final StoreReads reads;
    private final StoreLocator locator;
    private final PeerTransport peers;

    public QueryRouter(ServingQueries local, StoreReads reads, StoreLocator locator, PeerTransport peers) {
        this.local = Objects.requireNonNull(local, "local");
        this.reads = Objects.requireNonNull(reads, "reads");
        this.locator = Objects.requireNonNull(locator, "locator");
        this.peers = Objects.requireNonNull(peers, "peers");
    }

    /** Every read from this instance's stores, whole: one instance, or tests without Kafka. */
    public static QueryRouter localOnly(ServingQueries local, StoreReads reads) {
        return new QueryRouter(local, reads, StoreLocator.singleInstance(), PeerTransport.none());
    }

    public CompletionStage<EndpointsResponse> endpoints(String company) {
        return everyPartition(EndpointView.SUMMARY_STORE, PeerAction.GET_ENDPOINTS, query(company, emptyRequest()));
    }

    public CompletionStage<LoadingInstancesResponse> loadingInstances(String company) {
        return everyPartition(ContainerRegistry.LOADING_STORE, PeerAction.GET_LOADING_INSTANCES, query(company, emptyRequest()));
    }

    public CompletionStage<EndpointDetails> endpointDetails(String company, String url) {
        ObjectNode request = emptyRequest().put("endpoint_url", url);
        EndpointKey key = new EndpointKey(company, url);
        return keyPartition(() -> locator.locateKey(EndpointView.MEMBERS_STORE, key), PeerAction.GET_ENDPOINT_DETAILS,
                query(company, request));
    }

    public CompletionStage<MetricsHistoryResponse> metricsHistory(String company, MetricsHistoryRequest request) {
        PeerQuery query = query(company, Json.mapper().valueToTree(request));
        // The owner plans at the same "now", so it reads the store located here.
        String store = local.plan(request, query.nowMs()).resolution().storeName();
        EndpointKey key = new EndpointKey(company, request.endpointUrl());
        return keyPartition(() -> locator.locateKey(store, key), PeerAction.GET_ENDPOINT_METRICS_HISTORY, query);
    }

    /**
     * Whether {@code containerId} of {@code company} is registered and live now, read from the
     * registry partition that holds it (here or on its owner). Fits the ingest's
     * {@code ContainerDirectory}. The answer lags the writes the topology has not processed yet.
     */
    public CompletionStage<Boolean> containerRegistered(String company, String containerId) {
        ObjectNode request = emptyRequest().put("container_id", containerId);
        ContainerKey key = new ContainerKey(company, containerId);
        return keyPartition(() -> locator.locateKey(ContainerRegistry.STORE, key), PeerAction.CONTAINER_REGISTERED,
                query(company, request)).thenApply(ContainerRegistration::registered);
    }

    /**
     * A peer's forwarded query, answered from the named partitions of this instance's stores, in
     * one attempt: a partition not held here (any more) answers 503, and the caller locates again.
     */
    public <R> CompletionStage<R> answerForPeer(PeerAction<R> action, PeerQuery query) {
        return reads.runOnce(() -> readLocal(action, query));
    }

    private PeerQuery query(String company, ObjectNode request) {
        return PeerQuery.of(company, local.now(), request);
    }

    private static ObjectNode emptyRequest() {
        return Json.mapper().createObjectNode();
    }

    /** A keyed read: {@code locate} names the one partition that holds the key (located again on every attempt). */
    private <R> CompletionStage<R> keyPartition(Supplier<PartitionLocation> locate, PeerAction<R> action, PeerQuery query) {
        return reads.runAsync(timeLeft -> read(List.of(locate.get()), action, query, deadline(timeLeft)));
    }

    private <R> CompletionStage<R> everyPartition(String store, PeerAction<R> action, PeerQuery query) {
        return reads.runAsync(timeLeft -> read(locator.locateAll(store), action, query, deadline(timeLeft)));
    }

    /** Reads {@code partitions} where their active copies are: one call per peer, the local ones here. */
    private <R> CompletionStage<R> read(List<PartitionLocation> partitions, PeerAction<R> action, PeerQuery query,
                                        long deadlineNanos) {
        Map<HostInfo, List<PartitionLocation>> byOwner = new LinkedHashMap<>();
        partitions.forEach(p -> byOwner.computeIfAbsent(p.active(), host -> new ArrayList<>()).add(p));
        List<CompletableFuture<R>> parts = new ArrayList<>();
        List<PartitionLocation> mine = byOwner.remove(locator.self());
        byOwner.forEach((owner, owned) -> parts.add(askOwner(owner, owned, action, query, deadlineNanos)));
        if (mine != null) {
            // On the read thread that runs this attempt; the peers' calls are already on their way.
            parts.add(CompletableFuture.completedFuture(readLocal(action, query.on(numbers(mine), false))));
        }
        return join(parts, action);
    }

    /** Asks the active owner; if it cannot be reached, the standby copies of its partitions. */
    private <R> CompletableFuture<R> askOwner(HostInfo owner, List<PartitionLocation> owned, PeerAction<R> action,
                                              PeerQuery query, long deadlineNanos) {
        return peers.query(owner, action, query.on(numbers(owned), false), timeLeft(deadlineNanos))
                .toCompletableFuture()
                .exceptionallyCompose(error -> {
                    Throwable cause = StoreReads.unwrap(error);
                    if (!(cause instanceof PeerTransport.PeerUnreachableException)) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    return fromStandbys(owner, owned, action, query, deadlineNanos, cause);
                });
    }

    /**
     * The partitions of an unreachable owner from their standby copies: this instance's own
     * when it has one, else the first other standby; fails (transient) if one has none.
     */
    private <R> CompletableFuture<R> fromStandbys(HostInfo unreachable, List<PartitionLocation> owned,
                                                  PeerAction<R> action, PeerQuery query, long deadlineNanos,
                                                  Throwable cause) {
        Map<HostInfo, List<Integer>> byStandby = new LinkedHashMap<>();
        for (PartitionLocation partition : owned) {
            List<HostInfo> candidates = partition.standbys().stream().filter(h -> !h.equals(unreachable)).toList();
            if (candidates.isEmpty()) {
                return CompletableFuture.failedFuture(cause);
            }
            HostInfo standby = candidates.contains(locator.self()) ? locator.self() : candidates.get(0);
            byStandby.computeIfAbsent(standby, host -> new ArrayList<>()).add(partition.partition());
        }
        LOG.warn("{} unreachable for {}; reading partitions {} from standby copies", unreachable, action, byStandby);
        List<CompletableFuture<R>> parts = new ArrayList<>();
        byStandby.forEach((standby, numbers) -> {
            PeerQuery stale = query.on(numbers, true);
            parts.add(standby.equals(locator.self())
                    ? CompletableFuture.supplyAsync(() -> readLocal(action, stale), reads.executor())
                    : peers.query(standby, action, stale, timeLeft(deadlineNanos)).toCompletableFuture());
        });
        return join(parts, action);
    }

    /** The named partitions of this instance's stores (the whole store for {@link PartitionLocation#WHOLE_STORE}). */
    private <R> R readLocal(PeerAction<R> action, PeerQuery query) {
        if (query.partitions().equals(List.of(PartitionLocation.WHOLE_STORE))) {
            return action.read(local, query);
        }
        List<R> parts = new ArrayList<>(query.partitions().size());
        for (int partition : query.partitions()) {
            parts.add(action.read(local.onPartition(partition, query.allowStale()), query));
        }
        return action.merge(parts);
    }

    /**
     * The merged answer once every part answered. If parts failed: an error that is an answer
     * (e.g. 400/1052) wins over a transient one, which makes the whole read retry.
     */
    private static <R> CompletableFuture<R> join(List<CompletableFuture<R>> parts, PeerAction<R> action) {
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).handle((ignored, anyError) -> {
            if (anyError == null) {
                return action.merge(parts.stream().map(CompletableFuture::join).toList());
            }
            Throwable transientError = null;
            for (CompletableFuture<R> part : parts) {
                if (!part.isCompletedExceptionally()) {
                    continue;
                }
                Throwable cause = StoreReads.unwrap(part.handle((value, error) -> error).join());
                if (!StoreReads.isTransient(cause)) {
                    throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
                }
                transientError = transientError == null ? cause : transientError;
            }
            throw (RuntimeException) transientError;
        });
    }

    private static List<Integer> numbers(List<PartitionLocation> partitions) {
        return partitions.stream().map(PartitionLocation::partition).toList();
    }

    private static long deadline(Duration timeLeft) {
        return System.nanoTime() + timeLeft.toNanos();
    }

    private static Duration timeLeft(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }
}
