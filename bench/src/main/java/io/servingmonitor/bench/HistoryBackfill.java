package io.servingmonitor.bench;

import io.servingmonitor.topics.ContainerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench-only path to a metric history: status reports with past timestamps, in time order,
 * for one container on each of a few sample urls, written straight into {@code container-events}
 * before the service starts (never through the public API, which stamps "now"). Sparse enough to
 * be processed in the time of a run: hourly from 90 days back, every 15 min over the last 7 days,
 * every 5 min over the last day and every 30 s over the last hour (about 3,000 reports per url).
 */
public final class HistoryBackfill {

    /** From how far back, and how often, reports are made (coarsest first). */
    private record Cadence(Duration since, Duration every) {
    }

    private static final List<Cadence> CADENCES = List.of(
            new Cadence(Duration.ofDays(90), Duration.ofHours(1)),
            new Cadence(Duration.ofDays(7), Duration.ofMinutes(15)),
            new Cadence(Duration.ofDays(1), Duration.ofMinutes(5)),
            new Cadence(Duration.ofHours(1), Duration.ofSeconds(30)));

    private HistoryBackfill() {
    }

    /**
     * The events for containers {@code 0..urls-1} (one per url, urls {@code 0..urls-1}) of
     * {@code reports}' fleet, ending before {@code nowMs}: a registration, then reports in time order.
     */
    public static List<ContainerEvent> events(StatusReports reports, int urls, long nowMs) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < CADENCES.size(); i++) {
            Cadence cadence = CADENCES.get(i);
            long until = i + 1 < CADENCES.size() ? nowMs - CADENCES.get(i + 1).since().toMillis() : nowMs;
            for (long t = nowMs - cadence.since().toMillis(); t < until; t += cadence.every().toMillis()) {
                times.add(t);
            }
        }
        List<ContainerEvent> events = new ArrayList<>();
        int sampled = Math.min(urls, reports.fleet().urls());
        for (int container = 0; container < sampled; container++) {
            events.add(reports.register(container, times.get(0) - 1));
        }
        long sequence = 0;
        for (long t : times) {
            for (int container = 0; container < sampled; container++) {
                events.add(reports.report(container, sequence, t));
            }
            sequence++;
        }
        return events;
    }
}
