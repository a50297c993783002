package io.servingmonitor.topics;

/**
 * The load part of a {@code container_status_report}: {@code requestsNum} is a cumulative
 * counter, {@code requestsMin} a rate, {@code latencyMs} a window average rounded to an integer.
 * Any field may be absent (null).
 */
public record LoadReport(
        Long uptimeSec,
        Long requestsNum,
        Double requestsMin,
        Long latencyMs,
        MachineStats machineStats) {

    public static final LoadReport EMPTY = new LoadReport(null, null, null, null, null);
}
