package io.servingmonitor.bench;

/**
 * How a benchmark fleet is laid out: {@code containers} containers spread round-robin over
 * {@code urls} endpoint urls (container {@code i} serves url {@code i % urls}). Ids and urls
 * are fixed-width, so every report of a run has the same size.
 */
public record FleetShape(int containers, int urls) {

    public FleetShape {
        if (containers < 1 || urls < 1 || urls > containers) {
            throw new IllegalArgumentException("need 1 <= urls <= containers, not " + urls + " urls for " + containers);
        }
    }

    public static FleetShape perUrl(int containers, int containersPerUrl) {
        return new FleetShape(containers, Math.max(1, containers / containersPerUrl));
    }

    public String containerId(int container) {
        return String.format("bench-container-%08d", container);
    }

    public int urlIndex(int container) {
        return container % urls;
    }

    public String url(int container) {
        return urlOf(urlIndex(container));
    }

    public static String urlOf(int urlIndex) {
        return String.format("/serve/bench-endpoint-%06d", urlIndex);
    }

    public int containersPerUrl() {
        return containers / urls;
    }

    public String describe() {
        return containers + " containers / " + urls + " urls (" + containersPerUrl() + " per url)";
    }
}
