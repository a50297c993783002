package io.servingmonitor.launcher;

import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.servingmonitor.api.ActionDefinition;
import io.servingmonitor.dashboard.Dashboard;
import io.servingmonitor.processor.LocalStateLayout;
import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.ServingTopology;
import io.servingmonitor.processor.SkippedRecords;
import io.servingmonitor.processor.StreamsRunner;
import io.servingmonitor.processor.StreamsSettings;
import io.servingmonitor.query.InternalQueryRoutes;
import io.servingmonitor.query.InternalTokens;
import io.servingmonitor.query.KafkaStreamsLocator;
import io.servingmonitor.query.KafkaStreamsStoreLookup;
import io.servingmonitor.query.LagBoundedStoreLookup;
import io.servingmonitor.query.PeerClient;
import io.servingmonitor.query.QueryActions;
import io.servingmonitor.query.QueryConfig;
import io.servingmonitor.query.QueryRouter;
import io.servingmonitor.query.ServingQueries;
import io.servingmonitor.query.StandbyLagBound;
import io.servingmonitor.query.StoreReads;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The read half of a node (standalone or query): the Streams topology with its state stores (in
 * {@code <data-dir>/streams}), the router that answers every read from them or from the peer that
 * holds a partition, the four read actions and {@code /internal/query/*}. Closing it stops the read
 * pool, then Streams (leaving the group, so that the others take its partitions over at once).
 */
final class ReadSide implements AutoCloseable {

    private static final Duration STREAMS_CLOSE_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration PEER_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final Closer closer = new Closer();
    private StreamsRunner streams;
    private QueryRouter router;
    private QueryActions actions;
    private InternalQueryRoutes internalRoutes;

    private ReadSide() {
    }

    /**
     * Starts Streams (it joins the group in the background; see {@link #streams()}) and the router.
     *
     * @param port        the HTTP port this node will listen on; peers reach it there, at the advertised host
     * @param tokenSecret the deployment's shared token secret, from which peer tokens are derived
     * @param clock       "now" of the reads
     * @param onRunning   called each time Streams enters RUNNING (on a Streams thread)
     */
    static ReadSide start(LauncherOptions options, String bootstrapServers, int port, String tokenSecret,
                          OperationalMetrics metrics, Clock clock, Runnable onRunning) {
        ReadSide side = new ReadSide();
        try {
            side.startAll(options, bootstrapServers, port, tokenSecret, metrics, clock, onRunning);
            return side;
        } catch (RuntimeException | Error e) {
            side.close();
            throw e;
        }
    }

    private void startAll(LauncherOptions options, String bootstrapServers, int port, String tokenSecret,
                          OperationalMetrics metrics, Clock clock, Runnable onRunning) {
        ProcessorConfig processorConfig = options.processorConfig();
        StreamsSettings streamsSettings = new StreamsSettings(options.applicationId(), bootstrapServers,
                options.dataDir().resolve("streams"), options.advertisedHost(), port, options.standbyReplicas(),
                options.topics().replicationFactor(), options.streamThreads(), options.rocksDbMemoryBytes())
                .withClientTags(StreamsSettings.locationTags(options.zone().orElse(null), options.region().orElse(null)));
        SkippedRecords skipped = new SkippedRecords();
        metrics.bindSkippedRecords(skipped);
        Properties streamsProperties = streamsSettings.toProperties(skipped, options.sessionTimeout());
        // Local state of other store retentions (another --metric-resolutions, say) is rebuilt from the changelogs.
        streamsProperties.put(LocalStateLayout.CONFIG_KEY, LocalStateLayout.of(processorConfig));
        streams = new StreamsRunner(ServingTopology.build(processorConfig), streamsProperties,
                (next, previous) -> {
                    if (next == KafkaStreams.State.RUNNING) {
                        onRunning.run();
                    }
                });
        // Leave the group on a clean stop: the other instances take over its partitions (and answer
        // their reads) at once, not only when its session times out.
        closer.add(() -> streams.streams().close(CloseOptions.timeout(STREAMS_CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)));
        closer.add(metrics.bind(new KafkaStreamsMetrics(streams.streams())));
        // A stale copy answers only if it trails its changelog by at most --max-standby-lag, checked here
        // when this instance holds it (also when a peer asks it for its copy); a copy placed here anew
        // (told before the first one is) is not trusted until it has caught up.
        StandbyLagBound lagBound = StandbyLagBound.of(streams.streams(), options.maxStandbyLag());
        streams.restoreProgress().observeCopies(lagBound);
        streams.start();

        // Bounded: when reads pile up faster than the stores answer, more are refused with 503 at once.
        ExecutorService readExecutor = StoreReads.boundedExecutor(
                Math.max(2, Runtime.getRuntime().availableProcessors()), options.readQueue());
        closer.add(readExecutor::shutdownNow);
        QueryConfig queryConfig = new QueryConfig(options.minChartInterval(), QueryConfig.defaults().maxWindowsPerQuery(),
                QueryConfig.defaults().maxBuckets(), QueryConfig.defaults().readTimeout());
        ServingQueries queries = new ServingQueries(
                new LagBoundedStoreLookup(new KafkaStreamsStoreLookup(streams.streams()), lagBound),
                processorConfig.resolutions(), processorConfig.rollups(), queryConfig, clock);
        // Peer tokens live seconds between processes: real time, whatever clock the reads use.
        InternalTokens internalTokens = new InternalTokens(tokenSecret, Clock.systemUTC());
        router = new QueryRouter(queries, new StoreReads(readExecutor, queryConfig.readTimeout()),
                new KafkaStreamsLocator(streams.streams(), new HostInfo(options.advertisedHost(), port)),
                new PeerClient(internalTokens, PEER_CONNECT_TIMEOUT), lagBound.staleReadsAllowed());
        if (options.fleetMetricsMaxSeries() > 0) {
            metrics.bindFleet(() -> queries.fleet(queries.now(), options.fleetMetricsMaxSeries()));
        }
        actions = new QueryActions(router);
        internalRoutes = new InternalQueryRoutes(internalTokens, router);
    }

    /** The read actions, to serve on the node's HTTP port. */
    List<ActionDefinition> definitions() {
        return actions.definitions();
    }

    /**
     * Adds {@code /internal/query/*}, on which peers (and ingest nodes) ask this node, and the
     * dashboard at {@code /} (it reads through the public read actions).
     */
    void installRoutes(JavalinConfig javalin) {
        internalRoutes.install(javalin);
        Dashboard.install(javalin);
    }

    /** Answers every read, locating the partitions; also whether a container is registered. */
    QueryRouter router() {
        return router;
    }

    StreamsRunner streams() {
        return streams;
    }

    @Override
    public void close() {
        closer.close();
    }
}
