package io.servingmonitor.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.servingmonitor.api.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** An ingest node's questions to the query nodes: failover past nodes that cannot answer, within the deadline. */
class RemoteRegistryTest {

    private static final HostInfo DOWN = new HostInfo("down", 8001);
    private static final HostInfo BUSY = new HostInfo("busy", 8002);
    private static final HostInfo UP = new HostInfo("up", 8003);

    @Test
    void unreachableAndBusyNodesAreSkippedUntilOneAnswers() {
        Nodes nodes = new Nodes(Map.of(
                DOWN, q -> failed(new PeerTransport.PeerUnreachableException(DOWN, "connection refused", null)),
                BUSY, q -> failed(new StoreReads.TransientReadException("peer busy cannot answer now")),
                UP, q -> CompletableFuture.completedFuture(new ContainerRegistration(true))));
        RemoteRegistry registry = new RemoteRegistry(List.of(DOWN, BUSY, UP), nodes, Duration.ofSeconds(5));

        assertThat(registry.containerRegistered("acme", "c1").toCompletableFuture().join()).isTrue();
        assertThat(nodes.asked).contains(UP);
        assertThat(nodes.queries).allSatisfy(query -> {
            assertThat(query.company()).isEqualTo("acme");
            assertThat(query.partitions()).as("no partitions: the query node locates the owner").isEmpty();
            assertThat(query.request().path("container_id").asText()).isEqualTo("c1");
        });
    }

    @Test
    void anAnswerThatIsAnErrorIsNotRetriedElsewhere() {
        Nodes nodes = new Nodes(Map.of(
                BUSY, q -> failed(ApiException.internal()),
                UP, q -> CompletableFuture.completedFuture(new ContainerRegistration(true))));
        RemoteRegistry registry = new RemoteRegistry(List.of(BUSY, UP), nodes, Duration.ofSeconds(5));

        Throwable error = catchThrowable(() -> registry.containerRegistered("acme", "c1").toCompletableFuture().join());

        assertThat(StoreReads.unwrap(error)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).httpCode()).isEqualTo(500));
        assertThat(nodes.asked).containsExactly(BUSY);
    }

    @Test
    void noNodeAnsweringWithinTheDeadlineIs503() {
        Nodes nodes = new Nodes(Map.of(
                DOWN, q -> failed(new PeerTransport.PeerUnreachableException(DOWN, "connection refused", null))));
        RemoteRegistry registry = new RemoteRegistry(List.of(DOWN), nodes, Duration.ofMillis(600));
        long start = System.nanoTime();

        Throwable error = catchThrowable(() -> registry.containerRegistered("acme", "c1").toCompletableFuture().join());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(StoreReads.unwrap(error)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).httpCode()).isEqualTo(503));
        assertThat(nodes.asked.size()).as("asked again after pauses").isGreaterThan(1);
    }

    @Test
    void successiveQuestionsStartAtSuccessiveNodes() {
        Nodes nodes = new Nodes(Map.of(
                BUSY, q -> CompletableFuture.completedFuture(new ContainerRegistration(false)),
                UP, q -> CompletableFuture.completedFuture(new ContainerRegistration(false))));
        RemoteRegistry registry = new RemoteRegistry(List.of(BUSY, UP), nodes, Duration.ofSeconds(5));

        for (int i = 0; i < 4; i++) {
            assertThat(registry.containerRegistered("acme", "c" + i).toCompletableFuture().join()).isFalse();
        }

        assertThat(nodes.asked).containsExactly(BUSY, UP, BUSY, UP);
    }

    private static <T> CompletableFuture<T> failed(Throwable error) {
        return CompletableFuture.failedFuture(error);
    }

    /** Query nodes that answer as told, recording who was asked what. */
    private static final class Nodes implements PeerTransport {

        final List<HostInfo> asked = new ArrayList<>();
        final List<PeerQuery> queries = new ArrayList<>();
        private final Map<HostInfo, Function<PeerQuery, CompletionStage<ContainerRegistration>>> answers;

        Nodes(Map<HostInfo, Function<PeerQuery, CompletionStage<ContainerRegistration>>> answers) {
            this.answers = new ConcurrentHashMap<>(answers);
        }

        @Override
        @SuppressWarnings("unchecked")
        public synchronized <R> CompletionStage<R> query(HostInfo peer, PeerAction<R> action, PeerQuery query, Duration timeout) {
            assertThat(action).isSameAs(PeerAction.CONTAINER_REGISTERED);
            asked.add(peer);
            queries.add(query);
            return (CompletionStage<R>) answers.get(peer).apply(query);
        }
    }
}
