package io.servingmonitor.bench;

import io.servingmonitor.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * What the bench asks the cluster about progress: end offsets of {@code container-events},
 * the offsets a consumer group (a Streams application id) committed, and how much it still has
 * to read there and in its own repartition topics (found by the application-id prefix). Also
 * places a fresh group at given offsets before it starts, so an application reads only the
 * records of its scenario, not everything written to the topic before.
 */
public final class GroupOffsets implements AutoCloseable {

    private static final long CALL_TIMEOUT_SEC = 30;
    private static final String REPARTITION_SUFFIX = "-repartition";

    private final Admin admin;

    public GroupOffsets(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** End offsets of every partition of {@code container-events}. */
    public Map<TopicPartition, Long> eventsEnd() {
        return endOffsets(Topics.CONTAINER_EVENTS);
    }

    public Map<TopicPartition, Long> endOffsets(String topic) {
        TopicDescription description = get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic));
        Map<TopicPartition, OffsetSpec> request = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return get(admin.listOffsets(request).all()).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    public static long total(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Commits {@code offsets} for a group that has not started yet: it will begin reading there. */
    public void startGroupAt(String groupId, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((partition, offset) -> commit.put(partition, new OffsetAndMetadata(offset)));
        get(admin.alterConsumerGroupOffsets(groupId, commit).all());
    }

    /** The group's committed offsets on {@code container-events} (partitions without one count as 0). */
    public long committedOnEvents(String groupId) {
        return committed(groupId).entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.CONTAINER_EVENTS))
                .mapToLong(e -> e.getValue())
                .sum();
    }

    /**
     * Records the group has still to read: on {@code container-events} up to {@code eventsEnd},
     * and on its repartition topics up to their current end. One record per repartition partition
     * is tolerated: a transactional writer leaves a commit marker there that a reader's committed
     * offset may stop short of.
     */
    public long remaining(String groupId, Map<TopicPartition, Long> eventsEnd) {
        Map<TopicPartition, Long> committed = committed(groupId);
        long remaining = 0;
        for (Map.Entry<TopicPartition, Long> end : eventsEnd.entrySet()) {
            remaining += Math.max(0, end.getValue() - committed.getOrDefault(end.getKey(), 0L));
        }
        for (String topic : repartitionTopics(groupId)) {
            for (Map.Entry<TopicPartition, Long> end : endOffsets(topic).entrySet()) {
                Long at = committed.get(end.getKey());
                long behind = at == null ? end.getValue() : end.getValue() - at;
                remaining += Math.max(0, behind - 1);
            }
        }
        return remaining;
    }

    /**
     * Waits until {@link #remaining} is 0, at most {@code cap}; returns how long it took, or
     * the cap when it was reached first.
     */
    public Duration awaitDrained(String groupId, Map<TopicPartition, Long> eventsEnd, Duration cap) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + cap.toNanos();
        while (remaining(groupId, eventsEnd) > 0) {
            if (System.nanoTime() >= deadline) {
                return cap;
            }
            Thread.sleep(200);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * When the group is stable: the input partitions (of {@code container-events} and its
     * repartition topics) each Streams instance of it holds, by instance (its stream threads'
     * consumers together), sorted by count; empty while it rebalances.
     */
    public Optional<List<Integer>> stablePartitionsPerInstance(String groupId) {
        ConsumerGroupDescription group = get(admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId));
        if (group.groupState() != GroupState.STABLE) {
            return Optional.empty();
        }
        Map<String, Integer> perInstance = new TreeMap<>();
        for (MemberDescription member : group.members()) {
            // Streams names each thread's consumer <client id>-StreamThread-<n>-consumer.
            String instance = member.clientId().replaceFirst("-StreamThread-\\d+-consumer$", "");
            perInstance.merge(instance, member.assignment().topicPartitions().size(), Integer::sum);
        }
        return Optional.of(perInstance.values().stream().sorted().toList());
    }

    private List<String> repartitionTopics(String applicationId) {
        return get(admin.listTopics().names()).stream()
                .filter(name -> name.startsWith(applicationId + "-") && name.endsWith(REPARTITION_SUFFIX))
                .sorted()
                .toList();
    }

    private Map<TopicPartition, Long> committed(String groupId) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (offset != null) {
                result.put(partition, offset.offset());
            }
        });
        return result;
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(CALL_TIMEOUT_SEC, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka admin call failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
