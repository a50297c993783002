package io.servingmonitor.topics;

/**
 * Running figures of one metric of one container over a window: how many reports carried it,
 * their sum and their max. Windows merge exactly: a coarser bucket is the merge of finer ones.
 */
public record MetricAccumulator(long count, double sum, double max) {

    public static MetricAccumulator of(double value) {
        return new MetricAccumulator(1, value, value);
    }

    public MetricAccumulator merge(MetricAccumulator other) {
        return new MetricAccumulator(count + other.count, sum + other.sum, Math.max(max, other.max));
    }

    public double mean() {
        return count == 0 ? 0 : sum / count;
    }

    /** The container's sample of {@code type}: the max for a counter, else the mean. */
    public double sample(MetricType type) {
        return type.sampledByMax() ? max : mean();
    }
}
