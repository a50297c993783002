package io.servingmonitor.bench;

import io.servingmonitor.processor.ProcessorConfig;
import io.servingmonitor.processor.ServingTopology;
import io.servingmonitor.processor.StreamsRunner;
import io.servingmonitor.processor.StreamsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.Topology;

/**
 * Processing: {@code container-events} is pre-filled with status reports of a fleet, then the
 * real topology drains them (a fresh application id and state dir per run, started at the first
 * record of this fleet), and events/s is measured from RUNNING until the application's committed
 * offsets reach the end of {@code container-events} and its repartition topics are drained.
 * Ceilings of the same records: the {@link TrivialCountApp} drained the same way, and a
 * {@link PlainConsumerRead}. Done for the main fleet and each containers-per-url variant.
 */
public final class ProcessingScenario {

    public static final String NAME = "processing";
    private static final double TARGET_EVENTS_PER_SEC = 20_000;
    private static final double VARIANT_TOLERANCE = 0.75;
    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(120);
    private static final int ADVERTISED_PORT = 1;
    /**
     * Event time covered by one fleet's reports. A drain reads the source partitions unevenly, so
     * the event time it sees jumps between them: a wider span could push reports past the
     * topology's window grace (5 min by default; 30 s in earlier builds, for which this span was
     * chosen), and skipped reports would flatter the rate.
     */
    private static final long EVENT_TIME_SPAN_MS = 20_000;

    private final BenchContext context;

    public ProcessingScenario(BenchContext context) {
        this.context = context;
    }

    /** One drain: how many events it processed in how long, and whether it got to the end. */
    record Drain(long processed, Duration elapsed, boolean complete) {
        double perSecond() {
            return processed / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    public List<Figure> run() throws InterruptedException {
        List<Figure> figures = new ArrayList<>();
        Double mainRate = null;
        for (FleetShape fleet : context.sizes().processingFleets()) {
            List<Figure> fleetFigures = runFleet(fleet, mainRate, mainRate == null);
            if (mainRate == null) {
                mainRate = fleetFigures.get(0).value().median();
            }
            figures.addAll(fleetFigures);
        }
        return figures;
    }

    /**
     * @param warmUp whether to drain the fleet once with both apps, unmeasured, before the measured
     *               runs: the first drains of a fresh JVM run cold (JIT, class loading, the broker's
     *               first transactions) and made the first fleet of a {@code --runs 1} run its slowest
     */
    private List<Figure> runFleet(FleetShape fleet, Double mainRate, boolean warmUp) throws InterruptedException {
        long events = context.sizes().processingEvents();
        StatusReports reports = new StatusReports(fleet);
        Map<TopicPartition, Long> from = context.offsets().eventsEnd();
        long base = System.currentTimeMillis() - EVENT_TIME_SPAN_MS;
        context.log("processing: writing %d status reports of %s", events, fleet.describe());
        EventWriter.Written written = EventWriter.write(context.bootstrapServers(), events, i -> {
            int container = (int) (i % fleet.containers());
            long sequence = i / fleet.containers();
            return reports.report(container, sequence, base + i * EVENT_TIME_SPAN_MS / events);
        });
        context.log("processing: written at %.0f records/s", written.perSecond());
        Map<TopicPartition, Long> to = context.offsets().eventsEnd();

        if (warmUp) {
            Drain warmTopology = drainTopology(from, to);
            Drain warmTrivial = drainTrivial(from, to);
            context.log("processing %s warm-up (not measured): topology %.0f/s, trivial app %.0f/s",
                    fleet.describe(), warmTopology.perSecond(), warmTrivial.perSecond());
        }
        List<Double> topology = new ArrayList<>();
        List<Double> trivial = new ArrayList<>();
        List<Double> consumer = new ArrayList<>();
        boolean allComplete = true;
        for (int run = 0; run < context.runs(); run++) {
            Drain drain = drainTopology(from, to);
            allComplete &= drain.complete();
            topology.add(drain.perSecond());
            Drain ceiling = drainTrivial(from, to);
            allComplete &= ceiling.complete();
            trivial.add(ceiling.perSecond());
            consumer.add(PlainConsumerRead.read(context.bootstrapServers(), from, to, context.sizes().processingCap()));
            context.log("processing %s run %d: topology %.0f/s (%s), trivial app %.0f/s, plain consumer %.0f/s",
                    fleet.describe(), run + 1, drain.perSecond(), drain.complete() ? "drained" : "cap reached",
                    ceiling.perSecond(), consumer.get(consumer.size() - 1));
        }
        String sizes = events + " reports of " + fleet.describe();
        String bound = allComplete ? "" : "; some drains hit the " + context.sizes().processingCap().toSeconds()
                + " s cap and are measured on the events they committed by then";
        Summary trivialSummary = Summary.of(trivial);
        Summary consumerSummary = Summary.of(consumer);
        Figure main = Figure.of(NAME, "topology drain, " + sizes, "events/s", Summary.of(topology))
                .withCeiling("trivial Streams app (repartition by url + RocksDB count, EOS v2, 1 thread)",
                        trivialSummary.median())
                .withNote("from RUNNING to committed offsets at the end of container-events and repartition topics"
                        + bound);
        main = mainRate == null
                ? main.withTarget(">= 20000 and >= 1.0x ceiling", TARGET_EVENTS_PER_SEC)
                : main.withTarget("within 25% of the main fleet (>= 0.75 x " + Math.round(mainRate) + ")",
                        VARIANT_TOLERANCE * mainRate);
        return List.of(main,
                Figure.of(NAME, "ceiling: trivial Streams app, " + sizes, "events/s", trivialSummary)
                        .withCeiling("plain consumer", consumerSummary.median()),
                Figure.of(NAME, "ceiling: plain consumer (bytes), " + sizes, "records/s", consumerSummary)
                        .withNote("producer fill of the same records: " + Math.round(written.perSecond()) + " records/s"));
    }

    private Drain drainTopology(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) throws InterruptedException {
        String applicationId = context.uniqueName("processing");
        Path stateDir = context.freshDir(applicationId);
        Properties properties = new StreamsSettings(applicationId, context.bootstrapServers(), stateDir,
                "127.0.0.1", ADVERTISED_PORT, 0, 1).toProperties();
        return drain(applicationId, stateDir, ServingTopology.build(ProcessorConfig.defaults()), properties, from, to);
    }

    private Drain drainTrivial(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) throws InterruptedException {
        String applicationId = context.uniqueName("trivial");
        Path stateDir = context.freshDir(applicationId);
        return drain(applicationId, stateDir, TrivialCountApp.topology(),
                TrivialCountApp.properties(applicationId, context.bootstrapServers(), stateDir), from, to);
    }

    private Drain drain(String applicationId, Path stateDir, Topology topology, Properties properties,
                        Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) throws InterruptedException {
        context.offsets().startGroupAt(applicationId, from);
        try (StreamsRunner runner = new StreamsRunner(topology, properties)) {
            runner.start();
            if (!runner.awaitRunning(RUNNING_TIMEOUT)) {
                throw new IllegalStateException(applicationId + " did not reach RUNNING within " + RUNNING_TIMEOUT);
            }
            long start = System.nanoTime();
            Duration cap = context.sizes().processingCap();
            Duration took = context.offsets().awaitDrained(applicationId, to, cap);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            boolean complete = took.compareTo(cap) < 0;
            long processed = complete ? GroupOffsets.total(to) - GroupOffsets.total(from)
                    : context.offsets().committedOnEvents(applicationId) - GroupOffsets.total(from);
            return new Drain(Math.max(0, processed), complete ? took : elapsed, complete);
        } finally {
            BenchContext.deleteTree(stateDir);
        }
    }
}
