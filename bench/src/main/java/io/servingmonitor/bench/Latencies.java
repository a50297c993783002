package io.servingmonitor.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, collected by several threads, and their percentiles in
 * milliseconds (nearest-rank). Bounded: samples beyond the capacity are counted but not kept.
 */
public final class Latencies {

    private final long[] nanos;
    private int size;
    private long dropped;

    public Latencies(int capacity) {
        this.nanos = new long[capacity];
    }

    public synchronized void add(long latencyNanos) {
        if (size < nanos.length) {
            nanos[size++] = latencyNanos;
        } else {
            dropped++;
        }
    }

    public synchronized int count() {
        return size;
    }

    public synchronized long dropped() {
        return dropped;
    }

    /** The {@code p}-th percentile (0 < p <= 100) in ms; NaN without samples. */
    public synchronized double percentileMs(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
    }
}
