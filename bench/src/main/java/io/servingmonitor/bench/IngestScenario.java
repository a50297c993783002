package io.servingmonitor.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ingest: acknowledged status reports per second from the {@link LoadGenerator} against the full
 * service in this JVM ({@link InProcessService}); the fleet's containers register first, then
 * report. Ceilings of the same run: the same generator and bodies against an
 * {@link EmptyHandlerServer}, and a plain producer ({@link EventWriter}) sending the same events.
 */
public final class IngestScenario {

    public static final String NAME = "ingest";
    private static final double TARGET_REPORTS_PER_SEC = 15_000;
    private static final Duration QUIET_CAP = Duration.ofSeconds(120);

    private final BenchContext context;

    public IngestScenario(BenchContext context) {
        this.context = context;
    }

    public List<Figure> run() throws Exception {
        Sizes sizes = context.sizes();
        FleetShape fleet = sizes.ingestFleet();
        StatusReports reports = new StatusReports(fleet);
        long now = System.currentTimeMillis();
        List<String> registerBodies = new ArrayList<>();
        List<String> reportBodies = new ArrayList<>();
        for (int container = 0; container < fleet.containers(); container++) {
            registerBodies.add(RequestBodies.of(reports.register(container, now)));
            reportBodies.add(RequestBodies.of(reports.report(container, 1, now)));
        }
        context.log("ingest: %d reports per run from %s, %d in flight over %d clients; report body %d bytes",
                sizes.ingestReports(), fleet.describe(), sizes.ingestConcurrency(), sizes.ingestClients(),
                reportBodies.get(0).length());

        List<Double> service = new ArrayList<>();
        List<Double> empty = new ArrayList<>();
        List<Double> producer = new ArrayList<>();
        long failed = 0;
        try (EmptyHandlerServer emptyServer = EmptyHandlerServer.start();
             InProcessService app = InProcessService.start(context, "ingest", context.offsets().eventsEnd())) {
            LoadGenerator.Result registered = generator(app.baseUrl(), fleet.containers(), sizes.ingestCap())
                    .run(i -> new LoadGenerator.Request(RequestBodies.REGISTER, registerBodies.get((int) i)));
            context.log("ingest: %d containers registered (%d failed)", registered.ok(), registered.failed());
            // Unmeasured: warms the generator's and the empty handler's code paths as registration did the service's.
            generator(emptyServer.baseUrl(), fleet.containers(), sizes.ingestCap())
                    .run(i -> new LoadGenerator.Request(RequestBodies.REGISTER, registerBodies.get((int) i)));
            for (int run = 0; run < context.runs(); run++) {
                awaitQuiet(app);
                LoadGenerator.Result ceiling = generator(emptyServer.baseUrl(), sizes.ingestReports(), sizes.ingestCap())
                        .run(i -> statusReport(reportBodies, i));
                empty.add(ceiling.okPerSecond());
                awaitQuiet(app);
                LoadGenerator.Result result = generator(app.baseUrl(), sizes.ingestReports(), sizes.ingestCap())
                        .run(i -> statusReport(reportBodies, i));
                service.add(result.okPerSecond());
                failed += result.failed();
                awaitQuiet(app);
                EventWriter.Written written = EventWriter.write(context.bootstrapServers(), sizes.ingestReports(),
                        i -> reports.report((int) (i % fleet.containers()), 2, System.currentTimeMillis()));
                producer.add(written.perSecond());
                context.log("ingest run %d: service %.0f acked/s (%d failed%s, p99 %.1f ms), empty handler %.0f/s, "
                                + "producer %.0f/s", run + 1, result.okPerSecond(), result.failed(),
                        result.firstFailure() == null ? "" : ", first: " + result.firstFailure(),
                        result.latencies().percentileMs(99), ceiling.okPerSecond(), written.perSecond());
            }
        }
        Summary emptySummary = Summary.of(empty);
        Summary producerSummary = Summary.of(producer);
        String what = sizes.ingestReports() + " reports of " + fleet.describe() + ", " + sizes.ingestConcurrency()
                + " in flight";
        return List.of(
                Figure.of(NAME, "service acked status reports, " + what, "reports/s", Summary.of(service))
                        .withCeiling("same generator against an empty Javalin handler", emptySummary.median())
                        .withTarget(">= 15000 and >= 0.6x ceiling", TARGET_REPORTS_PER_SEC)
                        .withNote("generator, service, topology and broker share the machine (each measurement starts once "
                                + "the topology has drained what came before); "
                                + failed + " non-200 answers over all runs; bounded by " + sizes.ingestCap().toSeconds()
                                + " s per run"),
                Figure.of(NAME, "ceiling: empty Javalin handler, same generator", "answers/s", emptySummary),
                Figure.of(NAME, "ceiling: plain producer (acks=all, idempotent), same events", "records/s",
                        producerSummary));
    }

    /**
     * Waits (bounded) until the service's topology has processed what was written so far: the
     * measurements share this JVM and these cores with it, and its backlog would slow whichever
     * came next, a ceiling included.
     */
    private void awaitQuiet(InProcessService app) throws InterruptedException {
        Duration took = context.offsets().awaitDrained(app.applicationId(), context.offsets().eventsEnd(), QUIET_CAP);
        if (took.compareTo(QUIET_CAP) >= 0) {
            context.log("ingest: the service's backlog did not drain within %d s; measuring anyway", QUIET_CAP.toSeconds());
        }
    }

    private LoadGenerator generator(String baseUrl, long maxRequests, Duration maxTime) {
        Sizes sizes = context.sizes();
        return new LoadGenerator(new LoadGenerator.Settings(baseUrl, BenchCredentials.basicAuthorization(),
                sizes.ingestConcurrency(), sizes.ingestClients(), maxRequests, maxTime));
    }

    private static LoadGenerator.Request statusReport(List<String> bodies, long index) {
        return new LoadGenerator.Request(RequestBodies.STATUS_REPORT, bodies.get((int) (index % bodies.size())));
    }
}
