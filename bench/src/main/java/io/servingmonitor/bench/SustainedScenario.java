package io.servingmonitor.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sustained: the highest status-report rate the full service (in this JVM, with the generator
 * and the broker on the same machine) takes while freshness stays p99 <= 1 s. Each rate is held
 * for the step time by a paced {@link LoadGenerator} over a fleet of {@code rate x 30} containers
 * (each reporting every 30 s, as the SDK does; new ones register on their first report), while
 * a {@link FreshnessProbe} measures. Rates double from the start rate until one fails, then are
 * bisected. The figure is the highest rate that passed its search step and {@code runs - 1}
 * repeats (lower passing rates are tried when a repeat fails). Every step gets a fresh service (new application id and state, starting at the end
 * of {@code container-events}), so that neither the backlog nor the fleet of an overloaded step
 * weighs on the next; a step starts once the fresh service has shown a first probe, and the
 * search once an unmeasured warm-up hold at the start rate has run.
 */
public final class SustainedScenario {

    public static final String NAME = "sustained";
    private static final double P99_LIMIT_MS = 1_000;
    private static final double RATE_SHARE = 0.95;
    private static final double MAX_FAILED_SHARE = 0.01;
    private static final int REPORT_EVERY_SEC = 30;
    private static final int CONTAINERS_PER_URL = 10;
    private static final int IN_FLIGHT = 64;
    private static final int CLIENTS = 4;
    private static final double TARGET_RATE = 8_000;
    private static final Duration PIPELINE_TIMEOUT = Duration.ofSeconds(60);

    private final BenchContext context;

    public SustainedScenario(BenchContext context) {
        this.context = context;
    }

    /** What one held rate gave. */
    record Step(int rate, double achieved, long failed, double p99Ms, int probes) {
        boolean passed() {
            return p99Ms <= P99_LIMIT_MS && achieved >= RATE_SHARE * rate
                    && failed <= MAX_FAILED_SHARE * Math.max(1, achieved);
        }
    }

    public List<Figure> run() throws Exception {
        Sizes sizes = context.sizes();
        List<Step> steps = new ArrayList<>();
        ExecutorService prober = Executors.newSingleThreadExecutor();
        try {
            // Unmeasured: a JVM that has just started (generator, service and maybe the broker in it)
            // runs interpreted code for a while, which would fail the first step for the wrong reason.
            context.log("sustained: warm-up hold at %d/s (not counted)", sizes.sustainedStartRate());
            hold(sizes.sustainedStartRate(), prober);
            Step best = null;
            Integer failing = null;
            int rate = sizes.sustainedStartRate();
            while (true) {
                Step step = hold(rate, prober);
                steps.add(step);
                if (!step.passed()) {
                    failing = rate;
                    break;
                }
                best = step;
                if (rate * 2 > sizes.sustainedMaxRate()) {
                    break;
                }
                rate *= 2;
            }
            int low = best == null ? 0 : best.rate();
            for (int i = 0; failing != null && i < sizes.sustainedBisections() && failing - low > 1; i++) {
                int middle = (low + failing) / 2;
                Step step = hold(middle, prober);
                steps.add(step);
                if (step.passed()) {
                    best = step;
                    low = middle;
                } else {
                    failing = middle;
                }
            }
            // A rate counts only if it passes every hold: the search's single pass may be luck on a
            // shared machine. Confirm the best passing rate; if a repeat fails, try the next lower one.
            List<Step> passing = steps.stream().filter(Step::passed)
                    .sorted(Comparator.comparingInt(Step::rate).reversed()).toList();
            best = null;
            List<Double> p99 = new ArrayList<>();
            for (Step candidate : passing) {
                List<Double> holds = new ArrayList<>(List.of(candidate.p99Ms()));
                boolean confirmed = true;
                for (int run = 1; run < context.runs() && confirmed; run++) {
                    Step again = hold(candidate.rate(), prober);
                    steps.add(again);
                    holds.add(again.p99Ms());
                    confirmed = again.passed();
                }
                if (confirmed) {
                    best = candidate;
                    p99 = holds;
                    break;
                }
            }
            int found = best == null ? 0 : best.rate();
            String trail = steps.stream()
                    .map(s -> s.rate() + "/s " + (s.passed() ? "pass" : "fail") + " (p99 " + Math.round(s.p99Ms())
                            + " ms, " + Math.round(s.achieved()) + "/s acked)")
                    .reduce((a, b) -> a + "; " + b).orElse("");
            List<Figure> figures = new ArrayList<>();
            figures.add(Figure.of(NAME, "highest report rate with freshness p99 <= 1 s, held "
                            + sizes.sustainedStep().toSeconds() + " s", "reports/s", Summary.single(found))
                    .withTarget(">= 8000", TARGET_RATE)
                    .withNote("one 2-core box monitors " + (long) found * REPORT_EVERY_SEC
                            + " containers reporting every 30 s; passed all " + context.runs()
                            + " holds; steps in order: " + trail));
            if (!p99.isEmpty()) {
                figures.add(Figure.of(NAME, "freshness p99 at " + found + " reports/s", "ms", Summary.of(p99))
                        .withTarget("<= 1000", P99_LIMIT_MS)
                        .withNote("the passing search step and " + (p99.size() - 1) + " repeats at the same rate"));
            }
            return figures;
        } finally {
            prober.shutdownNow();
        }
    }

    private Step hold(int rate, ExecutorService prober) throws Exception {
        try (InProcessService app = InProcessService.start(context, "sustained", context.offsets().eventsEnd())) {
            return hold(app, rate, prober);
        }
    }

    private Step hold(InProcessService app, int rate, ExecutorService prober) throws Exception {
        FleetShape fleet = FleetShape.perUrl(Math.max(CONTAINERS_PER_URL, rate * REPORT_EVERY_SEC), CONTAINERS_PER_URL);
        StatusReports reports = new StatusReports(fleet);
        Duration stepTime = context.sizes().sustainedStep();
        FreshnessProbe probe = new FreshnessProbe(app.baseUrl(), fleet);
        if (!probe.awaitPipeline(PIPELINE_TIMEOUT)) {
            context.log("sustained %d/s: the fresh service showed no report within %d s", rate, PIPELINE_TIMEOUT.toSeconds());
        }
        Future<Latencies> freshness = prober.submit(() -> probe.probeFor(stepTime));
        LoadGenerator generator = new LoadGenerator(new LoadGenerator.Settings(app.baseUrl(),
                BenchCredentials.basicAuthorization(), IN_FLIGHT, CLIENTS, (long) rate * stepTime.toSeconds() + rate,
                stepTime));
        long now = System.currentTimeMillis();
        LoadGenerator.Result load = generator.runPaced(rate, stepTime, i -> new LoadGenerator.Request(
                RequestBodies.STATUS_REPORT,
                RequestBodies.of(reports.report((int) (i % fleet.containers()), i / fleet.containers(), now))));
        Latencies probes = freshness.get();
        Step step = new Step(rate, load.okPerSecond(), load.failed(), probes.percentileMs(99), probes.count());
        context.log("sustained %d/s: %s, acked %.0f/s, %d failed, freshness p99 %.0f ms over %d probes", rate,
                step.passed() ? "pass" : "fail", step.achieved(), step.failed(), step.p99Ms(), step.probes());
        return step;
    }
}
