package io.servingmonitor.query;

import static io.servingmonitor.processor.Events.URL_A;
import static io.servingmonitor.processor.Events.at;
import static io.servingmonitor.processor.Events.load;
import static io.servingmonitor.processor.Events.register;
import static io.servingmonitor.processor.Events.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.servingmonitor.api.ApiException;
import io.servingmonitor.processor.Events;
import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.TopologyFixture;
import io.servingmonitor.processor.endpoints.EndpointMember;
import io.servingmonitor.processor.endpoints.EndpointSummary;
import io.servingmonitor.processor.endpoints.EndpointView;
import io.servingmonitor.processor.registry.ContainerRegistry;
import io.servingmonitor.processor.registry.LoadingEntry;
import io.servingmonitor.processor.registry.RegistryEntry;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.MetricType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locate, then read locally or ask the owner: the router against a fake cluster. This instance
 * holds one partition (the fixture's stores); the peers' answers are canned.
 */
class QueryRouterTest {

    private static final HostInfo SELF = new HostInfo("self", 8001);
    private static final HostInfo PEER_A = new HostInfo("peer-a", 8002);
    private static final HostInfo PEER_B = new HostInfo("peer-b", 8003);
    private static final String URL_0 = "https://serve.example/0";
    private static final String URL_C = "https://serve.example/c";
    private static final long CHANGELOG_END = 1_000_000;

    @TempDir
    Path stateDir;

    private TopologyFixture topology;
    private TestClock clock;
    private ExecutorService executor;
    private ServingQueries queries;
    private FakeLocator locator;
    private FakePeers peers;
    private QueryRouter router;
    private LocalCopies localCopies;

    @BeforeEach
    void setUp() {
        topology = TopologyFixture.withDefaults(stateDir);
        clock = new TestClock(Events.T0);
        executor = Executors.newFixedThreadPool(2);
        queries = FixtureStores.queries(topology, clock);
        locator = new FakeLocator();
        peers = new FakePeers();
        router = new QueryRouter(queries, new StoreReads(executor, Duration.ofMillis(400)), locator, peers);

        topology.send(report("c1", URL_A, at(1), load(100, 1000, 10.0, 20)), register("c5", null, at(1), 600));
        clock.set(at(10));
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        topology.close();
    }

    private static EndpointStats row(String url) {
        return new EndpointStats("e", "m", url, 1, 1, 1, 1, 1, "2025-03-01T12:00:00Z");
    }

    private static LoadingInstance loading(String id) {
        return new LoadingInstance(id, "e", null, "m", null, null, null, null, null, 0, 0, "2025-03-01T12:00:00Z");
    }

    private static String partitionUrl(int partition) {
        return "https://serve.example/partition-" + partition;
    }

    /** A peer's answer with one row per partition it was asked for. */
    private static Object onePerPartition(PeerAction<?> action, PeerQuery query) {
        return new EndpointsResponse(query.partitions().stream().map(p -> row(partitionUrl(p))).toList());
    }

    /** The router over {@code copies} (this instance's stores), bounded by the default lag. */
    private void useLocalCopies(LocalCopies copies, Duration deadline, boolean staleReads) {
        localCopies = copies;
        StandbyLagBound bound = new StandbyLagBound(StandbyLagBound.DEFAULT_MAX_LAG, copies::lags, Duration.ZERO,
                System::nanoTime);
        ServingQueries lagBounded = new ServingQueries(new LagBoundedStoreLookup(copies, bound),
                ProcessorConfig.defaults().resolutions(), ProcessorConfig.defaults().rollups(), QueryConfig.defaults(), clock);
        router = new QueryRouter(lagBounded, new StoreReads(executor, deadline), locator, peers, staleReads);
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw (RuntimeException) StoreReads.unwrap(e);
        }
    }

    @Test
    void listReadJoinsThisInstanceAndOneCallPerPeerSortedByUrl() {
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(0, SELF, List.of()),
                new PartitionLocation(1, PEER_A, List.of()), new PartitionLocation(2, PEER_B, List.of()),
                new PartitionLocation(3, PEER_A, List.of()));
        peers.answer(PEER_A, (action, query) -> new EndpointsResponse(List.of(row(URL_C))));
        peers.answer(PEER_B, (action, query) -> new EndpointsResponse(List.of(row(URL_0))));

        EndpointsResponse answer = await(router.endpoints(Events.COMPANY));

        assertThat(answer.endpoints()).extracting(EndpointStats::url).containsExactly(URL_0, URL_A, URL_C);
        assertThat(peers.calls).hasSize(2);
        Call toA = peers.callsTo(PEER_A).get(0);
        assertThat(toA.action()).isEqualTo(PeerAction.GET_ENDPOINTS);
        assertThat(toA.query().partitions()).containsExactly(1, 3);
        assertThat(toA.query().allowStale()).isFalse();
        assertThat(toA.query().company()).isEqualTo(Events.COMPANY);
        assertThat(toA.query().nowMs()).isEqualTo(clock.millis());
    }

    @Test
    void loadingInstancesAreJoinedById() {
        locator.partitions(ContainerRegistry.LOADING_STORE, new PartitionLocation(0, PEER_A, List.of()),
                new PartitionLocation(1, SELF, List.of()));
        peers.answer(PEER_A, (action, query) -> new LoadingInstancesResponse(List.of(loading("c9"), loading("c0"))));

        LoadingInstancesResponse answer = await(router.loadingInstances(Events.COMPANY));

        assertThat(answer.instances()).extracting(LoadingInstance::id).containsExactly("c0", "c5", "c9");
    }

    @Test
    void keyedReadGoesToTheOwnerOfTheKeysPartitionOnly() {
        locator.keyOwner = new PartitionLocation(4, PEER_B, List.of());
        EndpointDetails remote = new EndpointDetails("e", "m", URL_C, null, null, null, null, null, 5,
                "2025-03-01T12:00:00Z", List.of());
        peers.answer(PEER_B, (action, query) -> remote);

        assertThat(await(router.endpointDetails(Events.COMPANY, URL_C))).isEqualTo(remote);
        assertThat(locator.keysLocated).containsExactly(EndpointView.MEMBERS_STORE + " " + new EndpointKey(Events.COMPANY, URL_C));
        Call call = peers.callsTo(PEER_B).get(0);
        assertThat(call.query().partitions()).containsExactly(4);
        assertThat(call.query().request().path("endpoint_url").asText()).isEqualTo(URL_C);
    }

    @Test
    void containerRegisteredLocatesTheContainerKeyInTheRegistryAndReadsItHere() {
        locator.keyOwner = new PartitionLocation(2, SELF, List.of());

        assertThat(await(router.containerRegistered(Events.COMPANY, "c5"))).isTrue();
        assertThat(await(router.containerRegistered(Events.COMPANY, "c-unknown"))).isFalse();
        assertThat(locator.keysLocated).containsExactly(
                ContainerRegistry.STORE + " " + new ContainerKey(Events.COMPANY, "c5"),
                ContainerRegistry.STORE + " " + new ContainerKey(Events.COMPANY, "c-unknown"));
        assertThat(peers.calls).isEmpty();
    }

    @Test
    void containerRegisteredIsAskedOfTheOwnerOfTheContainersPartition() {
        locator.keyOwner = new PartitionLocation(5, PEER_A, List.of());
        peers.answer(PEER_A, (action, query) -> new ContainerRegistration(true));

        assertThat(await(router.containerRegistered(Events.COMPANY, "c-remote"))).isTrue();
        Call call = peers.callsTo(PEER_A).get(0);
        assertThat(call.action()).isEqualTo(PeerAction.CONTAINER_REGISTERED);
        assertThat(call.query().partitions()).containsExactly(5);
        assertThat(call.query().company()).isEqualTo(Events.COMPANY);
        assertThat(call.query().request().path("container_id").asText()).isEqualTo("c-remote");
    }

    @Test
    void keyOwnedHereIsReadLocally() {
        locator.keyOwner = new PartitionLocation(4, SELF, List.of());

        assertThat(await(router.endpointDetails(Events.COMPANY, URL_A)).instances()).hasSize(1);
        assertThat(peers.calls).isEmpty();
    }

    @Test
    void historyLocatesTheMetricStoreOfThePlannedResolution() {
        locator.keyOwner = new PartitionLocation(2, SELF, List.of());
        long from = Events.T0.toEpochMilli();
        MetricsHistoryRequest shortRange = new MetricsHistoryRequest(URL_A, from, from + 80_000, 40, MetricType.REQUESTS, true);
        MetricsHistoryRequest longAgo = new MetricsHistoryRequest(URL_A, from - Duration.ofDays(30).toMillis(), from,
                3600, MetricType.REQUESTS, false);

        await(router.metricsHistory(Events.COMPANY, shortRange));
        await(router.metricsHistory(Events.COMPANY, longAgo));

        // 30 days are 8,640 five-minute windows a container, past the 5,000 a query reads: the hour rollup.
        assertThat(locator.keysLocated).containsExactly(
                "endpoint-metrics-10s " + new EndpointKey(Events.COMPANY, URL_A),
                "endpoint-metrics-3600s " + new EndpointKey(Events.COMPANY, URL_A));
    }

    @Test
    void theOwnersErrorReachesTheCallerUnchangedAndIsNotRetried() {
        locator.keyOwner = new PartitionLocation(1, PEER_A, List.of());
        peers.answer(PEER_A, (action, query) -> {
            throw ApiException.noInstances(URL_C);
        });

        Throwable thrown = catchThrowable(() -> await(router.endpointDetails(Events.COMPANY, URL_C)));

        assertThat(thrown).isInstanceOf(ApiException.class);
        assertThat(((ApiException) thrown).subcode()).isEqualTo(1052);
        assertThat(peers.calls).hasSize(1);
    }

    @Test
    void anOwnerNotKnownYetIsLocatedAgainUntilKnown() {
        locator.keyOwner = new PartitionLocation(1, SELF, List.of());
        locator.notAvailableTimes.set(3);

        assertThat(await(router.endpointDetails(Events.COMPANY, URL_A)).url()).isEqualTo(URL_A);
        assertThat(locator.keysLocated).hasSize(4);
    }

    @Test
    void anOwnerNeverKnownAnswers503AtTheDeadline() {
        locator.keyOwner = new PartitionLocation(1, SELF, List.of());
        locator.notAvailableTimes.set(Integer.MAX_VALUE);

        Throwable thrown = catchThrowable(() -> await(router.endpointDetails(Events.COMPANY, URL_A)));

        assertThat(thrown).isInstanceOf(ApiException.class);
        assertThat(((ApiException) thrown).httpCode()).isEqualTo(503);
    }

    @Test
    void aPeerThatCannotReadNowIsAskedAgainAfterLocatingAgain() {
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(0, SELF, List.of()),
                new PartitionLocation(1, PEER_A, List.of()));
        AtomicInteger calls = new AtomicInteger();
        peers.answer(PEER_A, (action, query) -> {
            if (calls.incrementAndGet() == 1) {
                throw new StoreReads.TransientReadException("rebalancing");
            }
            return new EndpointsResponse(List.of(row(URL_C)));
        });

        assertThat(await(router.endpoints(Events.COMPANY)).endpoints()).hasSize(2);
        assertThat(calls).hasValue(2);
        assertThat(locator.allLocated.get()).isEqualTo(2);
        assertThat(peers.callsTo(PEER_A)).as("its restoring copy is never read stale")
                .extracting(call -> call.query().allowStale()).containsExactly(false, false);
    }

    @Test
    void anUnreachablePeerWithoutStandbyMakesTheList503NotPartial() {
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(0, SELF, List.of()),
                new PartitionLocation(1, PEER_A, List.of()), new PartitionLocation(2, PEER_B, List.of()));
        peers.answer(PEER_A, (action, query) -> new EndpointsResponse(List.of(row(URL_C))));
        peers.unreachable(PEER_B);

        Throwable thrown = catchThrowable(() -> await(router.endpoints(Events.COMPANY)));

        assertThat(thrown).isInstanceOf(ApiException.class);
        assertThat(((ApiException) thrown).httpCode()).isEqualTo(503);
    }

    @Test
    void anUnreachableOwnerIsReplacedByAStandbyAskedForStaleData() {
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(0, SELF, List.of()),
                new PartitionLocation(1, PEER_A, List.of(PEER_B)));
        peers.unreachable(PEER_A);
        peers.answer(PEER_B, (action, query) -> new EndpointsResponse(List.of(row(URL_C))));

        assertThat(await(router.endpoints(Events.COMPANY)).endpoints()).extracting(EndpointStats::url)
                .containsExactly(URL_A, URL_C);
        Call toStandby = peers.callsTo(PEER_B).get(0);
        assertThat(toStandby.query().partitions()).containsExactly(1);
        assertThat(toStandby.query().allowStale()).isTrue();
    }

    @Test
    void anUnreachableOwnerIsReplacedByThisInstancesStandbyCopy() {
        locator.keyOwner = new PartitionLocation(3, PEER_A, List.of(PEER_B, SELF));
        peers.unreachable(PEER_A);

        assertThat(await(router.endpointDetails(Events.COMPANY, URL_A)).url()).isEqualTo(URL_A);
        assertThat(peers.callsTo(PEER_B)).isEmpty();
    }

    @Test
    void aRetryAsksOnlyForThePartitionsStillMissingAndKeepsTheAnsweredOnes() {
        useLocalCopies(new LocalCopies(), Duration.ofMillis(400), true);
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(0, SELF, List.of()),
                new PartitionLocation(1, PEER_A, List.of()), new PartitionLocation(2, PEER_B, List.of()));
        peers.answer(PEER_A, (action, query) -> new EndpointsResponse(List.of(row(URL_C))));
        AtomicInteger toB = new AtomicInteger();
        peers.answer(PEER_B, (action, query) -> {
            if (toB.incrementAndGet() == 1) {
                throw new PeerTransport.PeerUnreachableException(PEER_B, "connection reset", null);
            }
            return new EndpointsResponse(List.of(row(URL_0)));
        });

        assertThat(await(router.endpoints(Events.COMPANY)).endpoints()).extracting(EndpointStats::url)
                .containsExactly(URL_0, URL_A, URL_C);
        assertThat(locator.allLocated.get()).as("two attempts").isEqualTo(2);
        assertThat(peers.callsTo(PEER_A)).as("the answered peer is not asked again").hasSize(1);
        assertThat(peers.callsTo(PEER_B)).extracting(call -> call.query().partitions())
                .containsExactly(List.of(2), List.of(2));
        assertThat(localCopies.activeReads).as("the local part is read once").hasValue(1);
    }

    @Test
    void eachPartitionIsAnsweredExactlyOnceWhenItsOwnerMovesBetweenAttempts() {
        // Attempt 1: partitions 1 and 2 on A (answers), 3 on B (unreachable). Then A leaves and
        // B holds 1, 2 and 3: only 3 may be asked again, and 1 and 2 must not come back twice.
        locator.attempts(EndpointView.SUMMARY_STORE,
                List.of(new PartitionLocation(0, SELF, List.of()), new PartitionLocation(1, PEER_A, List.of()),
                        new PartitionLocation(2, PEER_A, List.of()), new PartitionLocation(3, PEER_B, List.of())),
                List.of(new PartitionLocation(0, SELF, List.of()), new PartitionLocation(1, PEER_B, List.of()),
                        new PartitionLocation(2, PEER_B, List.of()), new PartitionLocation(3, PEER_B, List.of())));
        peers.answer(PEER_A, QueryRouterTest::onePerPartition);
        AtomicInteger toB = new AtomicInteger();
        peers.answer(PEER_B, (action, query) -> {
            if (toB.incrementAndGet() == 1) {
                throw new PeerTransport.PeerUnreachableException(PEER_B, "connection refused", null);
            }
            return onePerPartition(action, query);
        });

        List<String> urls = await(router.endpoints(Events.COMPANY)).endpoints().stream().map(EndpointStats::url).toList();

        assertThat(urls).containsExactly(URL_A, partitionUrl(1), partitionUrl(2), partitionUrl(3));
        assertThat(peers.callsTo(PEER_B)).extracting(call -> call.query().partitions())
                .containsExactly(List.of(3), List.of(3));
    }

    @Test
    void aPartitionWhoseOwnerAnswers503WhileRestoringIsReadFromItsStandbyInTheSameAttempt() {
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(0, SELF, List.of()),
                new PartitionLocation(1, PEER_A, List.of(PEER_B)));
        peers.answer(PEER_A, (action, query) -> {
            throw new StoreReads.TransientReadException("peer-a cannot answer get_endpoints now: restoring");
        });
        peers.answer(PEER_B, (action, query) -> new EndpointsResponse(List.of(row(URL_C))));

        assertThat(await(router.endpoints(Events.COMPANY)).endpoints()).extracting(EndpointStats::url)
                .containsExactly(URL_A, URL_C);
        assertThat(locator.allLocated.get()).isEqualTo(1);
        assertThat(peers.callsTo(PEER_A)).extracting(call -> call.query().allowStale()).containsExactly(false);
        Call toStandby = peers.callsTo(PEER_B).get(0);
        assertThat(toStandby.query().partitions()).containsExactly(1);
        assertThat(toStandby.query().allowStale()).isTrue();
    }

    @Test
    void aPartitionRestoringHereIsReadFromAPeersStandbyNotFromThisRestoringCopy() {
        LocalCopies copies = new LocalCopies();
        copies.restoring.add(0);
        copies.lag(EndpointView.SUMMARY_STORE, 0, 5);
        useLocalCopies(copies, Duration.ofSeconds(2), true);
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(0, SELF, List.of(PEER_B)));
        peers.answer(PEER_B, (action, query) -> new EndpointsResponse(List.of(row(URL_C))));

        assertThat(await(router.endpoints(Events.COMPANY)).endpoints()).extracting(EndpointStats::url)
                .containsExactly(URL_C);
        assertThat(copies.staleReads).hasValue(0);
        Call toStandby = peers.callsTo(PEER_B).get(0);
        assertThat(toStandby.query().partitions()).containsExactly(0);
        assertThat(toStandby.query().allowStale()).isTrue();
    }

    @Test
    void aStandbyOverTheLagBoundIsNotReadAndThePartitionFails503UntilItCatchesUp() {
        LocalCopies copies = new LocalCopies();
        copies.lag(EndpointView.SUMMARY_STORE, 1, 0);
        useLocalCopies(copies, Duration.ofMillis(500), true);
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(1, PEER_A, List.of(SELF)));
        peers.unreachable(PEER_A);
        assertThat(await(router.endpoints(Events.COMPANY)).endpoints()).as("a caught-up standby answers")
                .extracting(EndpointStats::url).containsExactly(URL_A);
        copies.staleReads.set(0);

        copies.lag(EndpointView.SUMMARY_STORE, 1, StandbyLagBound.DEFAULT_MAX_LAG + 1);

        Throwable thrown = catchThrowable(() -> await(router.endpoints(Events.COMPANY)));

        assertThat(thrown).isInstanceOf(ApiException.class);
        assertThat(((ApiException) thrown).httpCode()).isEqualTo(503);
        assertThat(copies.staleReads).as("the lagging copy is never read").hasValue(0);

        copies.lag(EndpointView.SUMMARY_STORE, 1, StandbyLagBound.DEFAULT_MAX_LAG);
        assertThat(await(router.endpoints(Events.COMPANY)).endpoints()).extracting(EndpointStats::url)
                .containsExactly(URL_A);
        assertThat(copies.staleReads).hasValue(1);
    }

    @Test
    void aStandbyOverTheLagBoundIsPassedOverForAnotherStandby() {
        LocalCopies copies = new LocalCopies();
        copies.lag(EndpointView.SUMMARY_STORE, 1, 1_000_000);
        useLocalCopies(copies, Duration.ofSeconds(2), true);
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(1, PEER_A, List.of(PEER_B, SELF)));
        peers.unreachable(PEER_A);
        peers.answer(PEER_B, (action, query) -> new EndpointsResponse(List.of(row(URL_C))));

        assertThat(await(router.endpoints(Events.COMPANY)).endpoints()).extracting(EndpointStats::url)
                .containsExactly(URL_C);
        assertThat(copies.staleReads).hasValue(0);
        assertThat(peers.callsTo(PEER_B)).extracting(call -> call.query().allowStale()).containsExactly(true);
    }

    @Test
    void withStaleReadsDisabledNoStandbyIsAskedAndTheReadIs503() {
        useLocalCopies(new LocalCopies(), Duration.ofMillis(300), false);
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(0, SELF, List.of()),
                new PartitionLocation(1, PEER_A, List.of(PEER_B)));
        peers.unreachable(PEER_A);
        peers.answer(PEER_B, (action, query) -> new EndpointsResponse(List.of(row(URL_C))));

        Throwable thrown = catchThrowable(() -> await(router.endpoints(Events.COMPANY)));

        assertThat(((ApiException) thrown).httpCode()).isEqualTo(503);
        assertThat(peers.callsTo(PEER_B)).isEmpty();
    }

    @Test
    void aReadThatCannotCompleteIs503AtTheDeadlineNotBeforeAndNotMuchLater() {
        Duration deadline = Duration.ofSeconds(2);
        useLocalCopies(new LocalCopies(), deadline, true);
        locator.partitions(EndpointView.SUMMARY_STORE, new PartitionLocation(0, SELF, List.of()),
                PartitionLocation.unowned(1, List.of()));

        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> await(router.endpoints(Events.COMPANY)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(thrown).isInstanceOf(ApiException.class);
        assertThat(((ApiException) thrown).httpCode()).isEqualTo(503);
        // The last backoff that would pass the deadline is not waited: up to 500 ms before it.
        assertThat(took).isGreaterThan(deadline.minusMillis(520)).isLessThan(deadline.plusSeconds(1));
        assertThat(locator.allLocated.get()).as("located again while it waited").isGreaterThan(3);
        assertThat(localCopies.activeReads).as("the answered part is kept, not read again").hasValue(1);
    }

    @Test
    void mergeJoinsAndSortsEveryPart() {
        assertThat(QueryMerge.endpoints(List.of(new EndpointsResponse(List.of(row(URL_C), row(URL_A))),
                new EndpointsResponse(List.of()), new EndpointsResponse(List.of(row(URL_0))))).endpoints())
                .extracting(EndpointStats::url).containsExactly(URL_0, URL_A, URL_C);
        assertThat(QueryMerge.loadingInstances(List.of(new LoadingInstancesResponse(List.of(loading("b"))),
                new LoadingInstancesResponse(List.of(loading("c"), loading("a"))))).instances())
                .extracting(LoadingInstance::id).containsExactly("a", "b", "c");
    }

    private record Call(HostInfo peer, PeerAction<?> action, PeerQuery query) {
    }

    /**
     * This instance's copies of the fixture's stores as partitions: reads of the active copy of a
     * partition in {@code restoring} fail as Kafka Streams' do while it restores; stale reads
     * work, and the lags are what the test sets.
     */
    private final class LocalCopies implements StoreLookup {
        final Set<Integer> restoring = ConcurrentHashMap.newKeySet();
        final Map<String, Map<Integer, StandbyLagBound.CopyPosition>> lags = new ConcurrentHashMap<>();
        final AtomicInteger activeReads = new AtomicInteger();
        final AtomicInteger staleReads = new AtomicInteger();
        private final FixtureStores fixture = new FixtureStores(topology);

        /** The copy of {@code partition} is {@code lag} offsets behind a changelog end that does not move. */
        void lag(String store, int partition, long lag) {
            lags.computeIfAbsent(store, s -> new ConcurrentHashMap<>())
                    .put(partition, new StandbyLagBound.CopyPosition(CHANGELOG_END - lag, CHANGELOG_END));
        }

        Map<String, Map<Integer, StandbyLagBound.CopyPosition>> lags() {
            return lags;
        }

        @Override
        public StoreLookup partition(int partition, boolean includeStandby) {
            if (!includeStandby && restoring.contains(partition)) {
                return new FailingStores(new InvalidStateStoreException("partition " + partition + " is restoring"));
            }
            return new Counted(includeStandby ? staleReads : activeReads);
        }

        /** The fixture's stores, each opening counted in {@code reads}. */
        private final class Counted implements StoreLookup {
            private final AtomicInteger reads;

            Counted(AtomicInteger reads) {
                this.reads = reads;
            }

            @Override
            public ReadOnlyKeyValueStore<ContainerKey, RegistryEntry> registry() {
                reads.incrementAndGet();
                return fixture.registry();
            }

            @Override
            public ReadOnlyKeyValueStore<ContainerKey, LoadingEntry> loading() {
                reads.incrementAndGet();
                return fixture.loading();
            }

            @Override
            public ReadOnlyKeyValueStore<EndpointKey, EndpointSummary> endpointSummaries() {
                reads.incrementAndGet();
                return fixture.endpointSummaries();
            }

            @Override
            public ReadOnlyKeyValueStore<EndpointContainerKey, EndpointMember> endpointMembers() {
                reads.incrementAndGet();
                return fixture.endpointMembers();
            }

            @Override
            public ReadOnlyWindowStore<EndpointContainerKey, ContainerSample> metrics(MetricResolution resolution) {
                reads.incrementAndGet();
                return fixture.metrics(resolution);
            }
        }

        @Override
        public ReadOnlyKeyValueStore<ContainerKey, RegistryEntry> registry() {
            return fixture.registry();
        }

        @Override
        public ReadOnlyKeyValueStore<ContainerKey, LoadingEntry> loading() {
            return fixture.loading();
        }

        @Override
        public ReadOnlyKeyValueStore<EndpointKey, EndpointSummary> endpointSummaries() {
            return fixture.endpointSummaries();
        }

        @Override
        public ReadOnlyKeyValueStore<EndpointContainerKey, EndpointMember> endpointMembers() {
            return fixture.endpointMembers();
        }

        @Override
        public ReadOnlyWindowStore<EndpointContainerKey, ContainerSample> metrics(MetricResolution resolution) {
            return fixture.metrics(resolution);
        }
    }

    /** Stores that fail every read with {@code error}. */
    private record FailingStores(RuntimeException error) implements StoreLookup {
        @Override
        public ReadOnlyKeyValueStore<ContainerKey, RegistryEntry> registry() {
            throw error;
        }

        @Override
        public ReadOnlyKeyValueStore<ContainerKey, LoadingEntry> loading() {
            throw error;
        }

        @Override
        public ReadOnlyKeyValueStore<EndpointKey, EndpointSummary> endpointSummaries() {
            throw error;
        }

        @Override
        public ReadOnlyKeyValueStore<EndpointContainerKey, EndpointMember> endpointMembers() {
            throw error;
        }

        @Override
        public ReadOnlyWindowStore<EndpointContainerKey, ContainerSample> metrics(MetricResolution resolution) {
            throw error;
        }
    }

    private static final class FakeLocator implements StoreLocator {
        final Map<String, List<List<PartitionLocation>>> byStore = new HashMap<>();
        final List<String> keysLocated = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger allLocated = new AtomicInteger();
        final AtomicInteger notAvailableTimes = new AtomicInteger();
        volatile PartitionLocation keyOwner;

        void partitions(String store, PartitionLocation... locations) {
            byStore.put(store, List.of(List.of(locations)));
        }

        /** Attempt n locates the n-th list (the last one from then on). */
        @SafeVarargs
        final void attempts(String store, List<PartitionLocation>... perAttempt) {
            byStore.put(store, List.of(perAttempt));
        }

        @Override
        public HostInfo self() {
            return SELF;
        }

        @Override
        public PartitionLocation locateKey(String store, EndpointKey key) {
            keysLocated.add(store + " " + key);
            if (notAvailableTimes.getAndDecrement() > 0) {
                throw new StoreReads.TransientReadException("NOT_AVAILABLE");
            }
            return keyOwner;
        }

        @Override
        public PartitionLocation locateKey(String store, ContainerKey key) {
            keysLocated.add(store + " " + key);
            return keyOwner;
        }

        @Override
        public List<PartitionLocation> locateAll(String store) {
            int attempt = allLocated.incrementAndGet();
            List<List<PartitionLocation>> perAttempt = byStore.get(store);
            return perAttempt.get(Math.min(attempt, perAttempt.size()) - 1);
        }
    }

    private static final class FakePeers implements PeerTransport {
        final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        final Map<HostInfo, BiFunction<PeerAction<?>, PeerQuery, Object>> answers = new HashMap<>();

        void answer(HostInfo peer, BiFunction<PeerAction<?>, PeerQuery, Object> answer) {
            answers.put(peer, answer);
        }

        void unreachable(HostInfo peer) {
            answers.put(peer, (action, query) -> {
                throw new PeerUnreachableException(peer, "connection refused", null);
            });
        }

        List<Call> callsTo(HostInfo peer) {
            return calls.stream().filter(c -> c.peer().equals(peer)).toList();
        }

        @Override
        public <R> CompletionStage<R> query(HostInfo peer, PeerAction<R> action, PeerQuery query, Duration timeout) {
            calls.add(new Call(peer, action, query));
            // Answer later, on another thread, as an HTTP client does.
            return CompletableFuture.supplyAsync(() -> action.answerType().cast(answers.get(peer).apply(action, query)));
        }
    }
}
