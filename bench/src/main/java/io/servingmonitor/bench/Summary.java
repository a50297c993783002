package io.servingmonitor.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The median, minimum and maximum of the samples of one figure (one sample per run), and the
 * samples themselves. Never built from zero samples.
 */
public record Summary(double median, double min, double max, List<Double> samples) {

    public Summary {
        samples = List.copyOf(samples);
    }

    public static Summary of(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a figure needs at least one sample");
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Summary(median, sorted.get(0), sorted.get(n - 1), samples);
    }

    public static Summary single(double value) {
        return of(List.of(value));
    }
}
