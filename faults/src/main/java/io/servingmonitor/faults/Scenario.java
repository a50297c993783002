package io.servingmonitor.faults;

/**
 * One fault scenario of {@code serving-monitor faults}: it starts what it needs, injects its
 * faults, checks the promise it is about and returns the figures to print. {@link FaultsMain}
 * lists the scenarios; adding one is one line there.
 */
public interface Scenario {

    /** The name {@code --only} selects it by, kebab-case. */
    String name();

    /** Runs the scenario; a broken promise is a {@link Figures#failures() failure}, not an exception. */
    Figures run(FaultOptions options) throws Exception;
}
