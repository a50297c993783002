package io.servingmonitor.topics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** One container's metrics over one window: an accumulator per metric its reports carried. */
public record ContainerSample(Map<MetricType, MetricAccumulator> metrics) {

    public static final ContainerSample EMPTY = new ContainerSample(Map.of());

    private static final int SAMPLE_FORMAT = 1;

    /**
     * The compact binary form, the value of the per-container metric window stores: a format
     * byte (1), the number of entries, then per metric its {@link MetricType#code()} (1 byte), the
     * count (4 bytes), the sum (8 bytes) and, only when the count is above one, the max (8 bytes;
     * for one report it equals the sum). One report's window of all 15 metrics takes 197 bytes,
     * about a fifth of the JSON. An entry whose code this version does not know (a metric added
     * by a newer version) is skipped, not an error: its layout is the same for every metric.
     */
    public static final CompactSerde.Codec<ContainerSample> CODEC = new CompactSerde.Codec<>() {
        @Override
        public void write(ContainerSample sample, CompactBytes.Writer out) {
            Map<MetricType, MetricAccumulator> metrics = sample.metrics();
            out.putByte(SAMPLE_FORMAT).putByte(metrics.size());
            for (MetricType type : MetricType.values()) {
                MetricAccumulator acc = metrics.get(type);
                if (acc == null) {
                    continue;
                }
                int count = (int) Math.min(Integer.MAX_VALUE, acc.count());
                out.putByte(type.code()).putInt(count).putDouble(acc.sum());
                if (count > 1) {
                    out.putDouble(acc.max());
                }
            }
        }

        @Override
        public ContainerSample read(CompactBytes.Reader in) {
            in.expectFormat(SAMPLE_FORMAT);
            int entries = Byte.toUnsignedInt((byte) in.getByte());
            EnumMap<MetricType, MetricAccumulator> metrics = new EnumMap<>(MetricType.class);
            for (int i = 0; i < entries; i++) {
                MetricType type = MetricType.ofCode(Byte.toUnsignedInt((byte) in.getByte()));
                int count = in.getInt();
                double sum = in.getDouble();
                double max = count > 1 ? in.getDouble() : sum;
                if (type != null) {
                    metrics.put(type, new MetricAccumulator(count, sum, max));
                }
            }
            return new ContainerSample(metrics);
        }
    };


    public ContainerSample {
        metrics = metrics.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(metrics));
    }

    /** The sample of one report: each metric it carries, counted once. */
    public static ContainerSample of(LoadReport report) {
        EnumMap<MetricType, MetricAccumulator> metrics = new EnumMap<>(MetricType.class);
        for (MetricType type : MetricType.values()) {
            type.valueIn(report).ifPresent(v -> metrics.put(type, MetricAccumulator.of(v)));
        }
        return new ContainerSample(metrics);
    }

    /** Whether no metric has a value. */
    @JsonIgnore
    public boolean isEmpty() {
        return metrics.isEmpty();
    }

    /** This sample with one more report added. */
    public ContainerSample add(LoadReport report) {
        return merge(of(report));
    }

    /** This sample merged with one of another window of the same container. */
    public ContainerSample merge(ContainerSample other) {
        EnumMap<MetricType, MetricAccumulator> next = copy();
        other.metrics.forEach((type, acc) -> next.merge(type, acc, MetricAccumulator::merge));
        return new ContainerSample(next);
    }

    private EnumMap<MetricType, MetricAccumulator> copy() {
        EnumMap<MetricType, MetricAccumulator> map = new EnumMap<>(MetricType.class);
        map.putAll(metrics);
        return map;
    }
}
