package io.servingmonitor.topics;

import java.util.List;

/**
 * The ClearML {@code machine_stats} of a status report. Memory in MB, network and disk rates in
 * MB/s, as the container sends them; any field may be absent (null).
 */
public record MachineStats(
        List<Double> cpuUsage,
        List<Double> gpuUsage,
        Double memoryUsed,
        Double memoryFree,
        List<Double> gpuMemoryFree,
        List<Double> gpuMemoryUsed,
        Double networkTx,
        Double networkRx,
        Double diskFreeHome,
        Double diskFreeTemp,
        Double diskRead,
        Double diskWrite,
        List<Double> cpuTemperature,
        List<Double> gpuTemperature) {

    public MachineStats {
        cpuUsage = copy(cpuUsage);
        gpuUsage = copy(gpuUsage);
        gpuMemoryFree = copy(gpuMemoryFree);
        gpuMemoryUsed = copy(gpuMemoryUsed);
        cpuTemperature = copy(cpuTemperature);
        gpuTemperature = copy(gpuTemperature);
    }

    private static List<Double> copy(List<Double> values) {
        return values == null ? null : List.copyOf(values);
    }
}
