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
 *   <li>A partition whose active owner cannot answer now (unreachable, such as a crashed
 *       instance still in the group's metadata; answering 503 because it restores or
 *       rebalances; not known yet; or this instance, whose own copy is restoring) is read from
 *       a standby copy: this instance's own, else a peer's (asked with
 *       {@code allow_stale}). The instance holding that
 *       copy reads it only if it trails its changelog by at most its lag bound
 *       ({@link StandbyLagBound}, {@code --max-standby-lag}); otherwise the partition fails
 *       transient. Such an answer may lag slightly.
 *   <li>Attempts run through {@link StoreReads#runAsync} until the read deadline, then 503. The
 *       answers of one read are kept by partition across its attempts ({@link PartitionAnswers}):
 *       a later attempt locates again and asks only for the partitions still missing, and each
 *       partition is answered exactly once, wherever its owner moved meanwhile.
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
    private final boolean staleReads;

    /** A router that may read stale copies (bounded by the lag bound of the instance holding them). */
    public QueryRouter(ServingQueries local, StoreReads reads, StoreLocator locator, PeerTransport peers) {
        this(local, reads, locator, peers, true);
    }

    /**
     * @param staleReads whether a partition whose active copy cannot answer may be read from a
     *                   standby (or restoring) copy; false with {@code --max-standby-lag 0}
     */
    public QueryRouter(ServingQueries local, StoreReads reads, StoreLocator locator, PeerTransport peers,
                       boolean staleReads) {
        this.local = Objects.requireNonNull(local, "local");
        this.reads = Objects.requireNonNull(reads, "reads");
        this.locator = Objects.requireNonNull(locator, "locator");
        this.peers = Objects.requireNonNull(peers, "peers");
        this.staleReads = staleReads;
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
        PartitionAnswers<R> answers = new PartitionAnswers<>();
        return reads.runAsync(timeLeft -> attempt(List.of(locate.get()), answers, action, query, deadline(timeLeft)));
    }

    private <R> CompletionStage<R> everyPartition(String store, PeerAction<R> action, PeerQuery query) {
        PartitionAnswers<R> answers = new PartitionAnswers<>();
        return reads.runAsync(timeLeft -> attempt(locator.locateAll(store), answers, action, query, deadline(timeLeft)));
    }

    /**
     * One attempt of a read: asks for the {@code located} partitions that have no answer yet, where
     * their active copies are (one call per peer, the local ones here), a stale copy for those whose
     * owner cannot answer now, and completes with the merged answer once every partition has one.
     * Otherwise it fails (transient: {@link StoreReads} runs the next attempt, which asks only for
     * what is still missing), after every call of this attempt has ended, so that attempts never
     * overlap.
     */
    private <R> CompletionStage<R> attempt(List<PartitionLocation> located, PartitionAnswers<R> answers,
                                           PeerAction<R> action, PeerQuery query, long deadlineNanos) {
        answers.expect(numbers(located));
        Map<HostInfo, List<PartitionLocation>> byOwner = new LinkedHashMap<>();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (PartitionLocation partition : located) {
            if (answers.has(partition.partition())) {
                continue;
            }
            if (partition.hasActive()) {
                byOwner.computeIfAbsent(partition.active(), host -> new ArrayList<>()).add(partition);
            } else {
                parts.add(fromStaleCopies(null, List.of(partition), answers, action, query, deadlineNanos,
                        new StoreReads.TransientReadException("the owner of partition " + partition.partition()
                                + " is not known yet")));
            }
        }
        List<PartitionLocation> mine = byOwner.remove(locator.self());
        byOwner.forEach((owner, owned) -> parts.add(ask(owner, owned, answers, action, query, deadlineNanos)));
        if (mine != null) {
            // On the read thread that runs this attempt; the peers' calls are already on their way.
            parts.add(readMine(mine, answers, action, query, deadlineNanos));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).handle((ignored, anyError) -> {
            if (answers.complete()) {
                return action.merge(answers.answers());
            }
            throw failureOf(parts, answers);
        });
    }

    /** This instance's active partitions, read now; if they cannot be read, their stale copies. */
    private <R> CompletableFuture<Void> readMine(List<PartitionLocation> mine, PartitionAnswers<R> answers,
                                                 PeerAction<R> action, PeerQuery query, long deadlineNanos) {
        R answer;
        try {
            answer = readLocal(action, query.on(numbers(mine), false));
        } catch (RuntimeException e) {
            Throwable cause = StoreReads.unwrap(e);
            if (!StoreReads.isTransient(cause) || mine.get(0).partition() == PartitionLocation.WHOLE_STORE) {
                return CompletableFuture.failedFuture(cause);
            }
            // E.g. a partition still restoring here after a rebalance.
            return fromStaleCopies(locator.self(), mine, answers, action, query, deadlineNanos, cause);
        }
        answers.record(numbers(mine), answer);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Asks the active owner for its partitions; if it cannot answer now (unreachable, or 503 while
     * it restores or rebalances), their stale copies.
     */
    private <R> CompletableFuture<Void> ask(HostInfo owner, List<PartitionLocation> owned, PartitionAnswers<R> answers,
                                            PeerAction<R> action, PeerQuery query, long deadlineNanos) {
        return peers.query(owner, action, query.on(numbers(owned), false), timeLeft(deadlineNanos))
                .toCompletableFuture()
                .thenAccept(answer -> answers.record(numbers(owned), answer))
                .exceptionallyCompose(error -> {
                    Throwable cause = StoreReads.unwrap(error);
                    if (!StoreReads.isTransient(cause)) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    return fromStaleCopies(owner, owned, answers, action, query, deadlineNanos, cause);
                });
    }

    /**
     * The partitions whose active copy could not answer ({@code failedOwner}, or none known), read
     * from a standby copy: this instance's own when it has one, else another one; a copy that
     * refused in an earlier attempt of this read is asked only when every other one refused too.
     * Never the owner's own copy while it restores: it may have just started from an empty store,
     * which on a short changelog is within any lag bound. The instance holding the copy reads it
     * only if it has caught up and trails the changelog by at most its {@code --max-standby-lag}
     * ({@link StandbyLagBound}). A partition without such a copy, or with stale reads disabled,
     * stays unanswered (transient).
     */
    private <R> CompletableFuture<Void> fromStaleCopies(HostInfo failedOwner, List<PartitionLocation> partitions,
                                                        PartitionAnswers<R> answers,
                                                        PeerAction<R> action, PeerQuery query, long deadlineNanos,
                                                        Throwable cause) {
        if (!staleReads) {
            return CompletableFuture.failedFuture(cause);
        }
        Map<HostInfo, List<Integer>> byCopy = new LinkedHashMap<>();
        boolean someWithoutCopy = false;
        for (PartitionLocation partition : partitions) {
            List<HostInfo> candidates = partition.standbys().stream().filter(h -> !h.equals(failedOwner)).toList();
            if (candidates.isEmpty()) {
                someWithoutCopy = true;
                continue;
            }
            candidates = answers.notRefused(partition.partition(), candidates);
            HostInfo copy = candidates.contains(locator.self()) ? locator.self() : candidates.get(0);
            byCopy.computeIfAbsent(copy, host -> new ArrayList<>()).add(partition.partition());
        }
        LOG.debug("{} cannot answer {} now ({}); reading partitions {} from stale copies", failedOwner, action,
                cause.toString(), byCopy);
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        byCopy.forEach((copy, numbers) -> {
            PeerQuery stale = query.on(numbers, true);
            CompletableFuture<R> answer = copy.equals(locator.self())
                    ? CompletableFuture.supplyAsync(() -> readLocal(action, stale), reads.executor())
                    : peers.query(copy, action, stale, timeLeft(deadlineNanos)).toCompletableFuture();
            parts.add(answer.thenAccept(value -> answers.record(numbers, value)).whenComplete((ignored, error) -> {
                if (error != null) {
                    numbers.forEach(partition -> answers.refused(partition, copy));
                }
            }));
        });
        if (someWithoutCopy) {
            parts.add(CompletableFuture.failedFuture(cause));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
        // Every stale read ends before this part does; its failure is the first failure among them.
        return all.handle((ignored, error) -> error).thenCompose(error -> error == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(failureOf(parts, answers)));
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
     * Why the read is not complete: an error that is an answer (e.g. 400/1052) wins over a
     * transient one, which makes the read try again for the partitions still missing.
     */
    private static RuntimeException failureOf(List<CompletableFuture<Void>> parts, PartitionAnswers<?> answers) {
        Throwable transientError = null;
        for (CompletableFuture<Void> part : parts) {
            if (!part.isCompletedExceptionally()) {
                continue;
            }
            Throwable cause = StoreReads.unwrap(part.handle((value, error) -> error).join());
            if (!StoreReads.isTransient(cause)) {
                return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
            }
            transientError = transientError == null ? cause : transientError;
        }
        if (transientError == null) {
            // Every part answered, but an answer was dropped as covering a partition twice.
            return new StoreReads.TransientReadException("partitions " + answers.missing() + " still have no answer");
        }
        return (RuntimeException) transientError;
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
