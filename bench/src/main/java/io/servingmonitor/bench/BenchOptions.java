package io.servingmonitor.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of {@code serving-monitor bench}, parsed and checked once.
 *
 * @param quick            tiny sizes, only to prove the suite works
 * @param bootstrapServers an existing Kafka; empty means start the embedded broker
 * @param runs             runs per figure (the median, min and max are reported)
 * @param outDir           where {@code <yyyy-MM-dd>.json} is written
 * @param scale            full sizes times this factor (ignored with {@code --quick})
 * @param step             how long the sustained scenario holds each rate; empty means the sizes' default
 * @param drainCap         the longest one processing drain may take; empty means the sizes' default
 * @param readContainers   the read fleets' sizes (10 containers per url); empty means the sizes' default
 * @param scenarios        the scenarios to run, in the suite's order
 */
public record BenchOptions(boolean quick, Optional<String> bootstrapServers, int runs, Path outDir, double scale,
                           Optional<Duration> step, Optional<Duration> drainCap, List<Integer> readContainers, Set<String> scenarios) {

    public BenchOptions {
        readContainers = List.copyOf(readContainers);
    }

    public static final List<String> SCENARIOS = List.of(ProcessingScenario.NAME, IngestScenario.NAME,
            ReadsScenario.NAME, SustainedScenario.NAME, ScaleOutScenario.NAME);

    /**
     * The scenarios run when {@code --only} is not given: every one (scale-out is skipped, with a
     * line saying so, where nginx is not installed).
     */
    public static final List<String> DEFAULT_SCENARIOS = SCENARIOS;

    private static final int READ_CONTAINERS_PER_URL = 10;

    public static final String USAGE = String.join("\n",
            "usage: serving-monitor bench [options]",
            "  --quick                    tiny sizes, every scenario, only to prove the suite works",
            "  --bootstrap-servers H:P    use this Kafka instead of an embedded broker (its container-events",
            "                             topic gets the bench's records)",
            "  --runs N                   runs per figure; the median, min and max are reported (default 3)",
            "  --out DIR                  where <yyyy-MM-dd>.json is written (default bench/results)",
            "  --scale F                  the full sizes times F, 0 < F <= 1 (default 1)",
            "  --step-seconds N           how long the sustained scenario holds each rate (default 60, quick 3)",
            "  --drain-cap-seconds N      the longest one processing drain may take (default 600, quick 10);",
            "                             a slower app is measured on the events it committed by then",
            "  --read-containers LIST     the read fleets, e.g. 1000,10000,100000 (10 containers per url)",
            "  --only LIST                some of " + String.join(",", SCENARIOS) + " (default: all;",
            "                             footprint comes with reads; scale-out needs nginx, skipped without it)");

    public Sizes sizes() {
        Sizes sizes = quick ? Sizes.quick() : Sizes.full().scaled(scale);
        sizes = step.map(sizes::withSustainedStep).orElse(sizes);
        sizes = drainCap.map(sizes::withProcessingCap).orElse(sizes);
        return readContainers.isEmpty() ? sizes : sizes.withReadFleets(readContainers.stream()
                .map(containers -> FleetShape.perUrl(containers, Math.min(containers, READ_CONTAINERS_PER_URL))).toList());
    }

    /** @throws IllegalArgumentException naming the bad flag or value */
    public static BenchOptions parse(List<String> args) {
        boolean quick = false;
        String bootstrap = null;
        int runs = 3;
        Path out = Path.of("bench", "results");
        double scale = 1;
        Duration step = null;
        Duration drainCap = null;
        List<Integer> readContainers = List.of();
        Set<String> scenarios = new LinkedHashSet<>(DEFAULT_SCENARIOS);
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (flag.equals("--quick")) {
                quick = true;
                continue;
            }
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value" : "unexpected argument '"
                        + flag + "'\n" + USAGE);
            }
            String value = args.get(++i);
            switch (flag) {
                case "--bootstrap-servers" -> bootstrap = value;
                case "--runs" -> runs = positive(flag, value);
                case "--out" -> out = Path.of(value);
                case "--scale" -> scale = scale(value);
                case "--step-seconds" -> step = Duration.ofSeconds(positive(flag, value));
                case "--drain-cap-seconds" -> drainCap = Duration.ofSeconds(positive(flag, value));
                case "--only" -> scenarios = only(value);
                case "--read-containers" -> readContainers = Arrays.stream(value.split(","))
                        .map(n -> positive(flag, n.trim())).toList();
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            }
        }
        return new BenchOptions(quick, Optional.ofNullable(bootstrap), runs, out, scale, Optional.ofNullable(step),
                Optional.ofNullable(drainCap), readContainers, scenarios);
    }

    private static int positive(String flag, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(flag + " must be a whole number >= 1, not '" + value + "'");
    }

    private static double scale(String value) {
        try {
            double scale = Double.parseDouble(value);
            if (scale > 0 && scale <= 1) {
                return scale;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("--scale must be a number in (0, 1], not '" + value + "'");
    }

    private static Set<String> only(String value) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : value.split(",")) {
            String scenario = name.trim().equals(ReadsScenario.FOOTPRINT) ? ReadsScenario.NAME : name.trim();
            if (!SCENARIOS.contains(scenario)) {
                throw new IllegalArgumentException("--only: unknown scenario '" + name + "'; known: " + SCENARIOS);
            }
            chosen.add(scenario);
        }
        Set<String> ordered = new LinkedHashSet<>(SCENARIOS);
        ordered.retainAll(chosen);
        return ordered;
    }

    @Override
    public String toString() {
        return "quick=" + quick + " runs=" + runs + " scale=" + scale + " scenarios=" + Arrays.toString(scenarios.toArray());
    }
}
