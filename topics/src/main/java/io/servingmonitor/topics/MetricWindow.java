package io.servingmonitor.topics;

/**
 * A closed metric window of one endpoint, published on {@link Topics#METRIC_WINDOWS} once no late
 * report can change it any more.
 *
 * @param resolutionSec the window size of the store it comes from
 * @param windowStartMs inclusive start (epoch ms), a multiple of the resolution
 * @param windowEndMs   exclusive end (epoch ms)
 */
public record MetricWindow(
        String company,
        String url,
        long resolutionSec,
        long windowStartMs,
        long windowEndMs,
        WindowAggregate aggregate) {
}
