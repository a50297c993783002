package io.servingmonitor.query;

import io.servingmonitor.topics.WindowAggregate;

/** One stored metric window: its start (epoch ms) and its per-container aggregate. */
public record TimedAggregate(long windowStartMs, WindowAggregate aggregate) {
}
