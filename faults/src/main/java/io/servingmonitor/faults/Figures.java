package io.servingmonitor.faults;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scenario measured, in the order it is printed, and the promises it found broken (none
 * when it passed).
 */
public record Figures(String scenario, Map<String, Long> values, List<String> failures) {

    public Figures {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        failures = List.copyOf(failures);
    }

    public boolean passed() {
        return failures.isEmpty();
    }

    /** The figure, or -1 when the scenario did not measure it. */
    public long get(String name) {
        return values.getOrDefault(name, -1L);
    }

    /** Prints one line per figure, then PASS or each failure. */
    public void print(PrintStream out) {
        out.println("== " + scenario);
        values.forEach((name, value) -> out.printf("  %-40s %d%n", name, value));
        if (passed()) {
            out.println("  PASS");
        } else {
            failures.forEach(failure -> out.println("  FAIL " + failure));
        }
    }

    /** Collects figures and failures while a scenario runs. */
    static final class Builder {
        private final String scenario;
        private final Map<String, Long> values = new LinkedHashMap<>();
        private final List<String> failures = new ArrayList<>();

        Builder(String scenario) {
            this.scenario = scenario;
        }

        Builder put(String name, long value) {
            values.put(name, value);
            return this;
        }

        /** Records {@code failure} unless {@code holds}. */
        Builder check(boolean holds, String failure) {
            if (!holds) {
                failures.add(failure);
            }
            return this;
        }

        Figures build() {
            return new Figures(scenario, values, failures);
        }
    }
}
