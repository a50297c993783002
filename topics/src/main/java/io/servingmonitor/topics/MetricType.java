package io.servingmonitor.topics;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The 15 metrics of {@code get_endpoint_metrics_history}: how one status report yields a value,
 * how containers' samples combine into the total, and the chart title.
 *
 * <p>A container's sample in a time bucket is the max of its per-report values for
 * {@link #REQUESTS} (a cumulative counter) and the mean for every other metric. Memory metrics are
 * converted from the MB that containers send to GB.
 */
public enum MetricType {
    REQUESTS("requests", "Number of Requests", Combine.SUM, r -> toDouble(r.requestsNum())),
    REQUESTS_MIN("requests_min", "Requests per Minute", Combine.SUM, LoadReport::requestsMin),
    LATENCY_MS("latency_ms", "Average Latency (ms)", Combine.MEAN, r -> toDouble(r.latencyMs())),
    CPU_COUNT("cpu_count", "CPU Count", Combine.SUM, stats(s -> count(s.cpuUsage()))),
    GPU_COUNT("gpu_count", "GPU Count", Combine.SUM, stats(s -> count(s.gpuUsage()))),
    CPU_UTIL("cpu_util", "Average CPU Load (%)", Combine.MEAN, stats(s -> mean(s.cpuUsage()))),
    GPU_UTIL("gpu_util", "Average GPU Utilization (%)", Combine.MEAN, stats(s -> mean(s.gpuUsage()))),
    RAM_TOTAL("ram_total", "RAM Total (GB)", Combine.SUM,
            stats(s -> gb(sum(s.memoryUsed(), s.memoryFree())))),
    RAM_USED("ram_used", "RAM Used (GB)", Combine.SUM, stats(s -> gb(s.memoryUsed()))),
    RAM_FREE("ram_free", "RAM Free (GB)", Combine.SUM, stats(s -> gb(s.memoryFree()))),
    GPU_RAM_TOTAL("gpu_ram_total", "GPU RAM Total (GB)", Combine.SUM,
            stats(s -> gb(sum(mean(s.gpuMemoryUsed()), mean(s.gpuMemoryFree()))))),
    GPU_RAM_USED("gpu_ram_used", "GPU RAM Used (GB)", Combine.SUM, stats(s -> gb(mean(s.gpuMemoryUsed())))),
    GPU_RAM_FREE("gpu_ram_free", "GPU RAM Free (GB)", Combine.SUM, stats(s -> gb(mean(s.gpuMemoryFree())))),
    NETWORK_RX("network_rx", "Network Throughput RX (MBps)", Combine.SUM, stats(MachineStats::networkRx)),
    NETWORK_TX("network_tx", "Network Throughput TX (MBps)", Combine.SUM, stats(MachineStats::networkTx));

    /** How the containers' samples of one bucket make the total. */
    public enum Combine { SUM, MEAN }

    private final String apiName;
    private final String title;
    private final Combine combine;
    private final Function<LoadReport, Double> extractor;

    MetricType(String apiName, String title, Combine combine, Function<LoadReport, Double> extractor) {
        this.apiName = apiName;
        this.title = title;
        this.combine = combine;
        this.extractor = extractor;
    }

    /** The name used by the API ({@code metric_type}) and in serialized aggregates. */
    @JsonValue
    public String apiName() {
        return apiName;
    }

    public String title() {
        return title;
    }

    public Combine combine() {
        return combine;
    }

    /** Whether a container's sample is the max of its reports (a counter) rather than their mean. */
    public boolean sampledByMax() {
        return this == REQUESTS;
    }

    /** This metric's value in one report, if the report carries what it needs. */
    public Optional<Double> valueIn(LoadReport report) {
        Double value = extractor.apply(report);
        return value == null || value.isNaN() || value.isInfinite() ? Optional.empty() : Optional.of(value);
    }

    /** The metric named {@code apiName} in the API, if any. */
    public static Optional<MetricType> fromApiName(String apiName) {
        for (MetricType type : values()) {
            if (type.apiName.equals(apiName)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static MetricType parse(String apiName) {
        return fromApiName(apiName).orElseThrow(() -> new IllegalArgumentException("unknown metric " + apiName));
    }

    public static List<String> apiNames() {
        return java.util.Arrays.stream(values()).map(MetricType::apiName).toList();
    }

    private static Function<LoadReport, Double> stats(Function<MachineStats, Double> f) {
        return r -> r.machineStats() == null ? null : f.apply(r.machineStats());
    }

    private static Double toDouble(Long value) {
        return value == null ? null : value.doubleValue();
    }

    private static Double count(List<Double> values) {
        return values == null ? null : (double) values.size();
    }

    private static Double mean(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        double sum = 0;
        for (Double v : values) {
            sum += v == null ? 0 : v;
        }
        return sum / values.size();
    }

    private static Double sum(Double a, Double b) {
        return a == null || b == null ? null : a + b;
    }

    private static Double gb(Double mb) {
        return mb == null ? null : mb / 1024.0;
    }
}
