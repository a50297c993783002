package io.servingmonitor.bench;

import java.util.Arrays;
import java.util.Map;

/**
 * {@code serving-monitor bench [--quick] [--bootstrap-servers H:P] [--runs N] [--out DIR]}: runs
 * the benchmark suite, prints the table and writes the JSON report. Exits 1 when a scenario failed.
 */
public final class BenchMain {

    private BenchMain() {
    }

    /** Loggers quietened for the bench: warnings that the bench's own set-up causes, repeated by the thousand. */
    private static final Map<String, String> QUIET_LOGGERS = Map.of(
            "org.apache.kafka.streams.processor.internals.StateDirectory", "error",
            "org.apache.kafka.clients.producer.internals.Sender", "error");

    public static void main(String[] args) throws Exception {
        QUIET_LOGGERS.forEach((logger, level) -> System.setProperty("org.slf4j.simpleLogger.log." + logger, level));
        BenchOptions options;
        try {
            options = BenchOptions.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        BenchSuite.Outcome outcome = BenchSuite.run(options, "serving-monitor bench " + String.join(" ", args),
                System.out);
        System.exit(outcome.report().errors().isEmpty() ? 0 : 1);
    }
}
