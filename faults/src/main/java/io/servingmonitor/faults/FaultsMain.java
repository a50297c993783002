package io.servingmonitor.faults;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code serving-monitor faults [--cycles N] [--only LIST] ...}: runs the fault scenarios one after
 * the other, prints each one's figures and exits 1 when one broke its promise.
 */
public final class FaultsMain {

    /** Every scenario, in the order they run. A new scenario is one more entry. */
    static final List<Scenario> SCENARIOS = List.of(
            new BrokerKillScenario(),
            new OutageScenario(),
            new InstanceKillFaults());

    /** The clients' warnings about a node that is down, by the thousand while one is. */
    private static final Map<String, String> QUIET_LOGGERS = Map.of(
            "org.apache.kafka.clients.NetworkClient", "error",
            "org.apache.kafka.clients.producer.internals.Sender", "error",
            "org.apache.kafka.streams.processor.internals.StateDirectory", "error");

    private FaultsMain() {
    }

    public static void main(String[] args) {
        QUIET_LOGGERS.forEach((logger, level) -> System.setProperty("org.slf4j.simpleLogger.log." + logger, level));
        FaultOptions options;
        try {
            options = FaultOptions.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<Figures> results = run(options, System.out);
        System.exit(results.stream().allMatch(Figures::passed) ? 0 : 1);
    }

    /** Runs the selected scenarios and prints each one's figures as it ends. */
    static List<Figures> run(FaultOptions options, PrintStream out) {
        List<Figures> results = new ArrayList<>();
        for (Scenario scenario : SCENARIOS) {
            if (options.selects(scenario.name())) {
                Figures figures;
                try {
                    figures = scenario.run(options);
                } catch (Exception e) {
                    figures = new Figures(scenario.name(), Map.of(), List.of("did not complete: " + e));
                }
                figures.print(out);
                results.add(figures);
            }
        }
        return results;
    }
}
