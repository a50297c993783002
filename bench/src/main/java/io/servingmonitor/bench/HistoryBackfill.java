package io.servingmonitor.bench;

import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The bench-only path to a metric history: status reports with past timestamps, in time order,
 * for one extra container on each of a few sample urls, written straight into
 * {@code container-events} (never through the public API, which stamps "now"). Sparse enough to
 * be processed in the time of a run: hourly from 90 days back, every 15 min over the last 7 days,
 * every 5 min over the last day and every 30 s over the last hour (about 3,000 reports per url).
 *
 * <p>The history containers are chosen so that their keys all land on one partition of
 * {@code container-events}: one Streams task then reads the whole history in time order and the
 * windows see it in order. Spread over several partitions, the tasks would read 90 days of event
 * time at different paces, and whatever lagged more than the windows' grace behind another
 * task's records would be dropped as late.
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
    private static final int PARTITION = 0;

    private HistoryBackfill() {
    }

    /**
     * The events for one history container on each of urls {@code 0..urls-1} of {@code reports}'
     * fleet, ending before {@code nowMs}: their registrations, then their reports in time order.
     *
     * @param partitions the partition count of {@code container-events}
     */
    public static List<ContainerEvent> events(StatusReports reports, int urls, int partitions, long nowMs) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < CADENCES.size(); i++) {
            Cadence cadence = CADENCES.get(i);
            long until = i + 1 < CADENCES.size() ? nowMs - CADENCES.get(i + 1).since().toMillis() : nowMs;
            for (long t = nowMs - cadence.since().toMillis(); t < until; t += cadence.every().toMillis()) {
                times.add(t);
            }
        }
        int sampled = Math.min(urls, reports.fleet().urls());
        List<String> ids = new ArrayList<>();
        try (Serializer<ContainerKey> keys = Serdes.containerKey().serializer()) {
            for (int url = 0; url < sampled; url++) {
                ids.add(idOnPartition(keys, url, partitions));
            }
        }
        List<ContainerEvent> events = new ArrayList<>();
        for (int url = 0; url < sampled; url++) {
            events.add(reports.registerAs(ids.get(url), url, times.get(0) - 1));
        }
        long sequence = 0;
        for (long t : times) {
            for (int url = 0; url < sampled; url++) {
                events.add(reports.reportAs(ids.get(url), url, sequence, t));
            }
            sequence++;
        }
        return events;
    }

    /** The first id {@code bench-history-<url>-<n>} whose key the default partitioner puts on {@link #PARTITION}. */
    private static String idOnPartition(Serializer<ContainerKey> keys, int url, int partitions) {
        for (int n = 0; ; n++) {
            String id = String.format("bench-history-%06d-%d", url, n);
            byte[] key = keys.serialize(Topics.CONTAINER_EVENTS, new ContainerKey(StatusReports.COMPANY, id));
            if (Utils.toPositive(Utils.murmur2(key)) % partitions == PARTITION) {
                return id;
            }
        }
    }
}
