package io.servingmonitor.faults;

import static io.servingmonitor.api.OptionValues.intIn;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of {@code serving-monitor faults}.
 *
 * @param cycles       kill-and-restart cycles of the broker-kill scenario
 * @param downFor      how long a killed broker (or, in the outage, every broker) stays down
 * @param writers      HTTP writer threads of the steady load
 * @param containers   containers per writer (each reports with its own sequence)
 * @param writeTimeout the service's {@code --write-timeout}, the bound of a 503 in an outage
 * @param workDir      where clusters and services keep their data (a fresh temporary directory if empty)
 * @param only         the scenarios to run (all if empty)
 */
public record FaultOptions(int cycles, Duration downFor, int writers, int containers, Duration writeTimeout,
                           Optional<Path> workDir, List<String> only) {

    public static final String USAGE = String.join("\n",
            "usage: serving-monitor faults [options]",
            "  --cycles N            kill -9 and restart cycles of each kill scenario (default 20)",
            "  --down-seconds N      how long a killed broker stays down (default 8)",
            "  --writers N           HTTP writer threads of the steady load (default 4)",
            "  --containers N        containers per writer, each with its own report sequence (default 5)",
            "  --write-timeout-seconds N  the service's --write-timeout (default 10)",
            "  --work-dir DIR        data of the clusters and services (default: a new temporary directory)",
            "  --only LIST           scenarios to run, comma-separated (default: all)");

    public FaultOptions {
        only = List.copyOf(only);
    }

    /** The long run: 20 cycles. */
    public static FaultOptions defaults() {
        return new FaultOptions(20, Duration.ofSeconds(8), 4, 5, Duration.ofSeconds(10), Optional.empty(), List.of());
    }

    public FaultOptions withCycles(int newCycles) {
        return new FaultOptions(newCycles, downFor, writers, containers, writeTimeout, workDir, only);
    }

    public FaultOptions withDownFor(Duration newDownFor) {
        return new FaultOptions(cycles, newDownFor, writers, containers, writeTimeout, workDir, only);
    }

    public FaultOptions withWriters(int newWriters) {
        return new FaultOptions(cycles, downFor, newWriters, containers, writeTimeout, workDir, only);
    }

    public FaultOptions withWriteTimeout(Duration newWriteTimeout) {
        return new FaultOptions(cycles, downFor, writers, containers, newWriteTimeout, workDir, only);
    }

    public FaultOptions withWorkDir(Path dir) {
        return new FaultOptions(cycles, downFor, writers, containers, writeTimeout, Optional.of(dir), only);
    }

    /** Whether {@code scenario} is to run. */
    public boolean selects(String scenario) {
        return only.isEmpty() || only.contains(scenario);
    }

    /** @throws IllegalArgumentException naming the bad flag, or with the usage for --help */
    public static FaultOptions parse(List<String> args) {
        FaultOptions options = defaults();
        int cycles = options.cycles;
        long down = options.downFor.toSeconds();
        int writers = options.writers;
        int containers = options.containers;
        long writeTimeout = options.writeTimeout.toSeconds();
        Path workDir = null;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
            }
            String value = args.get(++i);
            switch (flag) {
                case "--cycles" -> cycles = intIn(flag, value, 1, 10_000);
                case "--down-seconds" -> down = intIn(flag, value, 1, 3_600);
                case "--writers" -> writers = intIn(flag, value, 1, 256);
                case "--containers" -> containers = intIn(flag, value, 1, 10_000);
                case "--write-timeout-seconds" -> writeTimeout = intIn(flag, value, 2, 600);
                case "--work-dir" -> workDir = Path.of(value);
                case "--only" -> only.addAll(List.of(value.split(",")));
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
            }
        }
        return new FaultOptions(cycles, Duration.ofSeconds(down), writers, containers, Duration.ofSeconds(writeTimeout),
                Optional.ofNullable(workDir), only);
    }
}
