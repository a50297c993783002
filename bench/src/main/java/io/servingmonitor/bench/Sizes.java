package io.servingmonitor.bench;

import java.time.Duration;
import java.util.List;

/**
 * How big each scenario is and how long any of its steps may take. {@link #full()} is the
 * issue's sizes; {@link #quick()} only proves that the suite works; {@link #scaled(double)}
 * shrinks the full sizes for a machine or a time budget where they do not fit.
 *
 * @param processingEvents     status reports pre-filled per processing fleet
 * @param processingFleets     the main fleet first, then the containers-per-url variants
 * @param processingCap        the longest one drain may take; a slower app is measured on what it did
 * @param ingestFleet          containers that register, then report
 * @param ingestReports        status reports sent per ingest run
 * @param ingestConcurrency    requests in flight (each on its own keep-alive connection)
 * @param ingestClients        selector threads of the load generator the in-flight requests are spread over
 * @param ingestCap            the longest one ingest run may take
 * @param readFleets           fleets the reads are measured on, smallest first; footprint is taken on the last
 * @param historyUrls          urls (of each read fleet) given a backfilled history up to 90 days
 * @param readRequests         requests per read figure and concurrency
 * @param loadCap              the longest the service may take to process a read fleet before reads begin
 * @param sustainedStartRate   first report rate tried (reports/s)
 * @param sustainedMaxRate     no rate above this is tried
 * @param sustainedStep        how long each rate is held
 * @param sustainedBisections  bisection steps after the first failing rate
 * @param scaleOutFleet        the fleet written through nginx before the scale-out reads and writes
 * @param scaleOutRequests     requests per scale-out figure, node count and run
 * @param scaleOutNodeCounts   the query node counts the scale-out scenario measures, in order
 */
public record Sizes(
        long processingEvents,
        List<FleetShape> processingFleets,
        Duration processingCap,
        FleetShape ingestFleet,
        long ingestReports,
        int ingestConcurrency,
        int ingestClients,
        Duration ingestCap,
        List<FleetShape> readFleets,
        int historyUrls,
        int readRequests,
        Duration loadCap,
        int sustainedStartRate,
        int sustainedMaxRate,
        Duration sustainedStep,
        int sustainedBisections,
        FleetShape scaleOutFleet,
        long scaleOutRequests,
        List<Integer> scaleOutNodeCounts) {

    /** Fewer requests would make a p99 the maximum of a handful. */
    private static final int MIN_SCALED_READ_REQUESTS = 200;

    public Sizes {
        processingFleets = List.copyOf(processingFleets);
        readFleets = List.copyOf(readFleets);
        scaleOutNodeCounts = List.copyOf(scaleOutNodeCounts);
        if (scaleOutNodeCounts.isEmpty() || scaleOutNodeCounts.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("scale-out node counts must be >= 1, at least one: " + scaleOutNodeCounts);
        }
    }

    public static Sizes full() {
        return new Sizes(1_000_000,
                List.of(new FleetShape(100_000, 10_000), FleetShape.perUrl(100_000, 1),
                        FleetShape.perUrl(100_000, 100), FleetShape.perUrl(100_000, 1_000)),
                Duration.ofMinutes(10),
                new FleetShape(10_000, 1_000), 200_000, 64, 4, Duration.ofSeconds(60),
                List.of(new FleetShape(1_000, 100), new FleetShape(10_000, 1_000), new FleetShape(100_000, 10_000)),
                5, 1_000, Duration.ofMinutes(20),
                250, 32_000, Duration.ofSeconds(60), 3,
                new FleetShape(10_000, 1_000), 4_000, List.of(1, 2, 3));
    }

    public static Sizes quick() {
        return new Sizes(1_000,
                List.of(new FleetShape(300, 30), FleetShape.perUrl(300, 1), FleetShape.perUrl(300, 100),
                        FleetShape.perUrl(1_000, 1_000)),
                Duration.ofSeconds(10),
                new FleetShape(100, 10), 500, 8, 2, Duration.ofSeconds(15),
                List.of(new FleetShape(200, 20)),
                1, 30, Duration.ofSeconds(60),
                50, 200, Duration.ofSeconds(3), 0,
                new FleetShape(200, 20), 100, List.of(1, 2));
    }

    /** The full sizes with every count multiplied by {@code factor} (0 < factor <= 1); times and rates kept. */
    public Sizes scaled(double factor) {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("scale must be in (0, 1], not " + factor);
        }
        return new Sizes(scale(processingEvents, factor),
                processingFleets.stream().map(f -> scale(f, factor)).toList(), processingCap,
                scale(ingestFleet, factor), scale(ingestReports, factor), ingestConcurrency, ingestClients, ingestCap,
                readFleets.stream().map(f -> scale(f, factor)).toList(),
                historyUrls, Math.max(MIN_SCALED_READ_REQUESTS, (int) scale(readRequests, factor)), loadCap,
                sustainedStartRate, sustainedMaxRate, sustainedStep, sustainedBisections,
                scale(scaleOutFleet, factor), Math.max(MIN_SCALED_READ_REQUESTS, scale(scaleOutRequests, factor)),
                scaleOutNodeCounts);
    }

    public Sizes withSustainedStep(Duration step) {
        return new Sizes(processingEvents, processingFleets, processingCap, ingestFleet, ingestReports,
                ingestConcurrency, ingestClients, ingestCap, readFleets, historyUrls, readRequests, loadCap,
                sustainedStartRate, sustainedMaxRate, step, sustainedBisections, scaleOutFleet, scaleOutRequests,
                scaleOutNodeCounts);
    }

    /** These sizes with other read fleets (10 containers per url, as the full ones). */
    public Sizes withReadFleets(List<FleetShape> fleets) {
        return new Sizes(processingEvents, processingFleets, processingCap, ingestFleet, ingestReports,
                ingestConcurrency, ingestClients, ingestCap, fleets, historyUrls, readRequests, loadCap,
                sustainedStartRate, sustainedMaxRate, sustainedStep, sustainedBisections, scaleOutFleet, scaleOutRequests,
                scaleOutNodeCounts);
    }

    /** These sizes with another cap on one processing drain. */
    public Sizes withProcessingCap(Duration cap) {
        return new Sizes(processingEvents, processingFleets, cap, ingestFleet, ingestReports,
                ingestConcurrency, ingestClients, ingestCap, readFleets, historyUrls, readRequests, loadCap,
                sustainedStartRate, sustainedMaxRate, sustainedStep, sustainedBisections, scaleOutFleet, scaleOutRequests,
                scaleOutNodeCounts);
    }

    /** The sizes in words, one line per scenario, for the report. */
    public List<String> describe() {
        return List.of(
                "processing: " + processingEvents + " reports per fleet; fleets "
                        + processingFleets.stream().map(FleetShape::describe).toList() + "; cap " + processingCap.toSeconds() + " s per drain",
                "ingest: " + ingestReports + " reports per run over " + ingestFleet.describe() + ", " + ingestConcurrency
                        + " in flight on " + ingestClients + " clients; cap " + ingestCap.toSeconds() + " s per run",
                "reads: fleets " + readFleets.stream().map(FleetShape::describe).toList() + ", " + historyUrls
                        + " urls with 90 d history, " + readRequests + " requests per point; load cap " + loadCap.toSeconds() + " s",
                "sustained: from " + sustainedStartRate + "/s doubling up to " + sustainedMaxRate + "/s, "
                        + sustainedBisections + " bisections, each rate held " + sustainedStep.toSeconds() + " s",
                "scale-out: " + scaleOutFleet.describe() + " written through nginx; " + scaleOutRequests
                        + " requests per figure at " + ScaleOutScenario.IN_FLIGHT + " in flight, 1 ingest node, "
                        + scaleOutNodeCounts + " query nodes");
    }

    private static long scale(long count, double factor) {
        return Math.max(1, Math.round(count * factor));
    }

    private static FleetShape scale(FleetShape fleet, double factor) {
        int containers = (int) scale(fleet.containers(), factor);
        int perUrl = Math.min(containers, fleet.containersPerUrl());
        return FleetShape.perUrl(containers, perUrl);
    }
}
