package io.servingmonitor.faults;

/**
 * A scenario on a cluster of {@value #BROKERS} brokers with the service on it ({@link ClusterService}),
 * started for the run and stopped after it: what {@link BrokerKillScenario} and
 * {@link OutageScenario} share. A subclass injects its faults and checks its promise in
 * {@link #check}; the tests call {@link #run(FaultOptions, ClusterService)} on a cluster they share.
 */
abstract class ClusterScenario implements Scenario {

    static final int BROKERS = 3;

    private final String name;

    ClusterScenario(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Figures run(FaultOptions options) throws Exception {
        try (ClusterService service = ClusterService.start(WorkDir.of(options, name), BROKERS, options.writeTimeout())) {
            return run(options, service);
        }
    }

    /** Runs the scenario on a running service and cluster of {@value #BROKERS} brokers (left running, all nodes up). */
    final Figures run(FaultOptions options, ClusterService service) throws Exception {
        Figures.Builder figures = new Figures.Builder(name);
        check(options, service, figures);
        return figures.build();
    }

    /** Injects the faults and puts the figures and checks of the promise into {@code figures}. */
    abstract void check(FaultOptions options, ClusterService service, Figures.Builder figures) throws Exception;
}
