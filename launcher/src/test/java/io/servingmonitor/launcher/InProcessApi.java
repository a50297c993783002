package io.servingmonitor.launcher;

import io.javalin.Javalin;
import io.servingmonitor.api.ActionDefinition;
import io.servingmonitor.api.ApiConfig;
import io.servingmonitor.api.Authenticator;
import io.servingmonitor.api.Credentials;
import io.servingmonitor.api.ServingHttp;
import io.servingmonitor.ingest.EventPublisher;
import io.servingmonitor.ingest.IngestActions;
import io.servingmonitor.processor.Events;
import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.TopologyFixture;
import io.servingmonitor.processor.endpoints.EndpointMember;
import io.servingmonitor.processor.endpoints.EndpointSummary;
import io.servingmonitor.processor.registry.LoadingEntry;
import io.servingmonitor.processor.registry.RegistryEntry;
import io.servingmonitor.query.QueryActions;
import io.servingmonitor.query.QueryConfig;
import io.servingmonitor.query.ServingQueries;
import io.servingmonitor.query.StoreLookup;
import io.servingmonitor.query.StoreReads;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.ContainerSample;
import io.servingmonitor.topics.EndpointContainerKey;
import io.servingmonitor.topics.EndpointKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The whole HTTP API of one instance (the three writes, the four reads, {@code auth.login}) in this
 * JVM without a broker: accepted writes are recorded and fed to the real topology in a
 * {@code TopologyTestDriver}, and the reads answer from its stores, so what one call writes the
 * next call reads. Time stands still at {@link Events#T0} (the driver's wall clock). Every store
 * access (feeding an event, reading) runs on one thread, as the driver needs.
 */
final class InProcessApi implements AutoCloseable {

    private final Path stateDir;
    private final TopologyFixture topology;
    private final ExecutorService storeThread;
    private final FixturePublisher publisher;
    private final Javalin http;

    private InProcessApi(Credentials credentials, ApiConfig config) {
        try {
            stateDir = Files.createTempDirectory("in-process-api");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Clock clock = Clock.fixed(Events.T0, ZoneOffset.UTC);
        topology = TopologyFixture.withDefaults(stateDir);
        storeThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "in-process-stores");
            thread.setDaemon(true);
            return thread;
        });
        publisher = new FixturePublisher(topology, storeThread);
        ServingQueries queries = new ServingQueries(new FixtureLookup(topology), ProcessorConfig.defaults().resolutions(),
                ProcessorConfig.defaults().rollups(), QueryConfig.defaults(), clock);
        List<ActionDefinition> actions = new ArrayList<>(new IngestActions(publisher, clock).definitions());
        actions.addAll(new QueryActions(queries, new StoreReads(storeThread, Duration.ofSeconds(5))).definitions());
        http = ServingHttp.create(config, Authenticator.create(credentials, config, clock), actions, javalin -> { }, clock)
                .start("127.0.0.1", 0);
    }

    /** Starts it with {@code credentials}, the default limits and a fixed token secret, on a free port. */
    static InProcessApi start(Credentials credentials) {
        return new InProcessApi(credentials, ApiConfig.builder().tokenSecret(TestApps.TOKEN_SECRET).build());
    }

    String baseUrl() {
        return "http://127.0.0.1:" + http.port();
    }

    /** Every event accepted so far, in order. */
    List<ContainerEvent> events() {
        return publisher.events();
    }

    int eventCount() {
        return publisher.count();
    }

    @Override
    public void close() {
        http.stop();
        storeThread.shutdownNow();
        topology.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    /** Records each event and feeds it to the topology (on the store thread) before acknowledging it. */
    private static final class FixturePublisher implements EventPublisher {

        private final TopologyFixture topology;
        private final ExecutorService storeThread;
        private final List<ContainerEvent> events = new CopyOnWriteArrayList<>();

        FixturePublisher(TopologyFixture topology, ExecutorService storeThread) {
            this.topology = topology;
            this.storeThread = storeThread;
        }

        @Override
        public CompletionStage<Void> publish(ContainerEvent event) {
            return CompletableFuture.runAsync(() -> {
                events.add(event);
                topology.send(event);
            }, storeThread);
        }

        List<ContainerEvent> events() {
            return List.copyOf(events);
        }

        int count() {
            return events.size();
        }
    }

    /** The topology's stores as the query side sees a running instance's (one partition holds everything). */
    private record FixtureLookup(TopologyFixture fixture) implements StoreLookup {

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
}
