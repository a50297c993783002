package io.servingmonitor.faults;

import io.servingmonitor.faults.StatusLoad.Write;
import io.servingmonitor.testkafka.KafkaCluster;
import io.servingmonitor.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promise 1, no acknowledged write is lost: a 3-broker cluster (replication 3,
 * {@code min.insync.replicas=2}) under a steady load of status reports through HTTP; each cycle
 * kills (SIGKILL) the broker leading most partitions of {@code container-events}, keeps it down
 * for {@link FaultOptions#downFor()}, starts it again and waits until every replica is back in
 * sync. Then every write answered 200 must be on {@code container-events} exactly once (read
 * with a plain {@code read_committed} consumer), no write may be there twice, and every
 * container's last report must show in {@code get_endpoint_details}. Writes answered 503 during a
 * failover are allowed and counted; any other answer is a failure.
 */
public final class BrokerKillScenario extends ClusterScenario {

    public static final String NAME = "broker-kill";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerKillScenario.class);
    private static final Duration ISR_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration CATCH_UP = Duration.ofMinutes(3);

    public BrokerKillScenario() {
        super(NAME);
    }

    @Override
    void check(FaultOptions options, ClusterService service, Figures.Builder figures) throws Exception {
        KafkaCluster cluster = service.cluster;
        StatusLoad load = StatusLoad.start(service.client(), NAME, options.writers(), options.containers());
        long acknowledgedWhileDown = 0;
        int cycles = 0;
        try {
            figures.check(load.awaitEveryContainerAcknowledged(Duration.ofMinutes(2).toMillis()),
                    "not every container had a write acknowledged before the first kill");
            List<String> shortfalls = Replication.shortfalls(cluster, service.applicationId,
                    KafkaCluster.REPLICATION_FACTOR, KafkaCluster.MIN_IN_SYNC_REPLICAS);
            figures.put("topics_checked_rf3_min_isr2", Replication.checkedTopics(cluster, service.applicationId));
            shortfalls.forEach(s -> figures.check(false, s));

            for (int cycle = 1; cycle <= options.cycles(); cycle++) {
                int victim = mostLeadingNode(cluster);
                long before = load.acknowledgedCount();
                cluster.kill(victim);
                Thread.sleep(options.downFor().toMillis());
                acknowledgedWhileDown += load.acknowledgedCount() - before;
                cluster.restart(victim);
                cluster.awaitFullIsr(ISR_TIMEOUT);
                Thread.sleep(SETTLE.toMillis());
                cycles = cycle;
                LOG.info("cycle {}: node {} killed and back; {} writes acknowledged, {} answered 503", cycle, victim,
                        load.acknowledgedCount(), load.unavailable());
            }
        } finally {
            load.close();
        }

        EventLog log = EventLog.read(cluster.bootstrapServers(), Duration.ofMinutes(2));
        long found = 0;
        long lost = 0;
        long duplicatedAcknowledged = 0;
        for (Write write : load.acknowledged()) {
            int n = log.occurrences().getOrDefault(write, 0);
            if (n == 0) {
                lost++;
            } else if (n == 1) {
                found++;
            } else {
                duplicatedAcknowledged++;
            }
        }
        List<String> mismatches = StoreCheck.mismatches(service.client(), load.urlOfContainer(), log.lastSeq(), CATCH_UP);

        figures.put("cycles", cycles)
                .put("writes_sent", load.sent())
                .put("writes_acknowledged", load.acknowledgedCount())
                .put("writes_acknowledged_while_a_broker_was_down", acknowledgedWhileDown)
                .put("writes_answered_503", load.unavailable())
                .put("writes_answered_otherwise", load.other())
                .put("max_answer_ms", load.maxAnswerMillis())
                .put("events_on_" + Topics.CONTAINER_EVENTS, log.occurrences().values().stream().mapToLong(n -> n).sum())
                .put("acknowledged_found_once", found)
                .put("duplicates", log.duplicates())
                .put("lost", lost)
                .put("containers_not_showing_last_report", mismatches.size());
        figures.check(cycles == options.cycles(), "only " + cycles + " of " + options.cycles() + " cycles ran")
                .check(load.acknowledgedCount() > 0, "no write was acknowledged")
                .check(lost == 0, lost + " acknowledged writes are not on " + Topics.CONTAINER_EVENTS)
                .check(log.duplicates() == 0, log.duplicates() + " writes are on " + Topics.CONTAINER_EVENTS + " more than once"
                        + " (" + duplicatedAcknowledged + " of them acknowledged)")
                .check(load.other() == 0, load.other() + " writes answered neither 200 nor 503: " + load.otherAnswers())
                .check(mismatches.isEmpty(), "stores do not show the last report of " + mismatches);
    }

    /** The live node leading most partitions of container-events: the one whose loss moves most writes. */
    private static int mostLeadingNode(KafkaCluster cluster) {
        Map<Integer, Integer> leaders = cluster.leadersOf(Topics.CONTAINER_EVENTS);
        return leaders.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElseThrow(() -> new IllegalStateException(Topics.CONTAINER_EVENTS + " has no leader"));
    }
}
