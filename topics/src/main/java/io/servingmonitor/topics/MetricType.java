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
    REQUESTS(1, "requests", "Number of Requests", Combine.SUM, r -> toDouble(r.requestsNum())),
    REQUESTS_MIN(2, "requests_min", "Requests per Minute", Combine.SUM, LoadReport::requestsMin),
    LATENCY_MS(3, "latency_ms", "Average Latency (ms)", Combine.MEAN, r -> toDouble(r.latencyMs())),
    CPU_COUNT(4, "cpu_count", "CPU Count", Combine.SUM, stats(s -> count(s.cpuUsage()))),
    GPU_COUNT(5, "gpu_count", "GPU Count", Combine.SUM, stats(s -> count(s.gpuUsage()))),
    CPU_UTIL(6, "cpu_util", "Average CPU Load (%)", Combine.MEAN, stats(s -> mean(s.cpuUsage()))),
    GPU_UTIL(7, "gpu_util", "Average GPU Utilization (%)", Combine.MEAN, stats(s -> mean(s.gpuUsage()))),
    RAM_TOTAL(8, "ram_total", "RAM Total (GB)", Combine.SUM,
            stats(s -> gb(sum(s.memoryUsed(), s.memoryFree())))),
    RAM_USED(9, "ram_used", "RAM Used (GB)", Combine.SUM, stats(s -> gb(s.memoryUsed()))),
    RAM_FREE(10, "ram_free", "RAM Free (GB)", Combine.SUM, stats(s -> gb(s.memoryFree()))),
    GPU_RAM_TOTAL(11, "gpu_ram_total", "GPU RAM Total (GB)", Combine.SUM,
            stats(s -> gb(sum(mean(s.gpuMemoryUsed()), mean(s.gpuMemoryFree()))))),
    GPU_RAM_USED(12, "gpu_ram_used", "GPU RAM Used (GB)", Combine.SUM, stats(s -> gb(mean(s.gpuMemoryUsed())))),
    GPU_RAM_FREE(13, "gpu_ram_free", "GPU RAM Free (GB)", Combine.SUM, stats(s -> gb(mean(s.gpuMemoryFree())))),
    NETWORK_RX(14, "network_rx", "Network Throughput RX (MBps)", Combine.SUM, stats(MachineStats::networkRx)),
    NETWORK_TX(15, "network_tx", "Network Throughput TX (MBps)", Combine.SUM, stats(MachineStats::networkTx));

    /** How the containers' samples of one bucket make the total. */
    public enum Combine { SUM, MEAN }

    private static final MetricType[] BY_CODE = new MetricType[256];

    static {
        for (MetricType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final String apiName;
    private final String title;
    private final Combine combine;
    private final Function<LoadReport, Double> extractor;

    MetricType(int code, String apiName, String title, Combine combine, Function<LoadReport, Double> extractor) {
        this.code = code;
        this.apiName = apiName;
        this.title = title;
        this.combine = combine;
        this.extractor = extractor;
    }

    /**
     * The metric's number in binary aggregates ({@link ContainerSample#CODEC}): frozen, never reused,
     * 1 to 255. A newer version may add numbers that this one does not know.
     */
    public int code() {
        return code;
    }

    /** The metric numbered {@code code}, or null for a number this version does not know. */
    public static MetricType ofCode(int code) {
        return code < 0 || code >= BY_CODE.length ? null : BY_CODE[code];
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
