package io.servingmonitor.processor;

import java.time.Duration;
import java.util.Objects;

/**
 * One resolution at which metric windows are kept: the window size and how long windows are
 * retained (e.g. 10 s windows for 2 days, 5 min windows for 90 days). Each has its own store,
 * named after what it holds: {@code endpoint-metrics-10s}.
 */
public record MetricResolution(Duration window, Duration retention) {

    public MetricResolution {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(retention, "retention");
        if (window.toMillis() < 1000 || window.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("a metric window must be a whole number of seconds: " + window);
        }
        if (retention.compareTo(window) < 0) {
            throw new IllegalArgumentException("retention " + retention + " is shorter than the window " + window);
        }
    }

    public long windowSeconds() {
        return window.toSeconds();
    }

    /** The name of the windowed store of this resolution. */
    public String storeName() {
        return "endpoint-metrics-" + windowSeconds() + "s";
    }

    /**
     * Parses {@code WINDOW:RETENTION} with units s, m, h, d, e.g. {@code 10s:2d}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static MetricResolution parse(String text) {
        String[] parts = text.trim().split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("a metric resolution is WINDOW:RETENTION such as 10s:2d, not '" + text + "'");
        }
        return new MetricResolution(parseDuration(parts[0]), parseDuration(parts[1]));
    }

    /** Parses a duration such as {@code 40s}, {@code 5m}, {@code 2h}, {@code 90d}. */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.length() < 2) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 10s, 5m, 2h, 90d)");
        }
        long amount;
        try {
            amount = Long.parseLong(t.substring(0, t.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 10s, 5m, 2h, 90d)");
        }
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 10s, 5m, 2h, 90d)");
        };
    }
}
