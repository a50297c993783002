package io.servingmonitor.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers one read has collected so far, across its attempts, by store partition: each
 * answer covers the partitions it was read from (one, or all those one instance was asked for),
 * and each partition is covered by exactly one answer. An answer that would cover a partition a
 * second time is dropped (its other partitions stay unanswered and are asked again), so when
 * ownership moves between attempts no row is counted twice and, since the read is complete only
 * when every partition is covered, none is dropped.
 *
 *
 * <p>It also remembers which stale copies refused a partition (too far behind, not there any
 * more), so that the next attempt asks another copy first.
 *
 * @param <R> the answer of the read action
 */
final class PartitionAnswers<R> {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionAnswers.class);

    private final Set<Integer> expected = new TreeSet<>();
    private final Set<Integer> covered = new HashSet<>();
    private final List<R> answers = new ArrayList<>();
    private final Map<Integer, Set<HostInfo>> refusedBy = new HashMap<>();

    /**
     * The partitions the read needs, as located by this attempt. Should they differ from what an
     * earlier attempt located (the store's partitions changed), what was collected is dropped.
     */
    synchronized void expect(List<Integer> partitions) {
        Set<Integer> located = new TreeSet<>(partitions);
        if (!expected.equals(located)) {
            if (!expected.isEmpty()) {
                LOG.warn("the partitions of a read changed from {} to {}; reading them all again", expected, located);
            }
            expected.clear();
            expected.addAll(located);
            covered.clear();
            answers.clear();
        }
    }

    /** Whether {@code partition} has its answer already. */
    synchronized boolean has(int partition) {
        return covered.contains(partition);
    }

    /**
     * Keeps {@code answer} as the one of {@code partitions}, unless one of them is answered already
     * or not needed: then the answer is dropped and false returned.
     */
    synchronized boolean record(List<Integer> partitions, R answer) {
        Set<Integer> these = new HashSet<>(partitions);
        if (these.size() != partitions.size() || these.stream().anyMatch(p -> covered.contains(p) || !expected.contains(p))) {
            LOG.warn("dropped an answer for partitions {}: some are answered already or not needed ({} answered of {})",
                    partitions, covered, expected);
            return false;
        }
        covered.addAll(these);
        answers.add(answer);
        return true;
    }

    /** Whether every needed partition has its answer. */
    synchronized boolean complete() {
        return !expected.isEmpty() && covered.containsAll(expected);
    }

    /** The partitions still without an answer. */
    synchronized Set<Integer> missing() {
        Set<Integer> missing = new TreeSet<>(expected);
        missing.removeAll(covered);
        return missing;
    }

    /** Notes that the stale copy of {@code partition} on {@code copy} could not answer. */
    synchronized void refused(int partition, HostInfo copy) {
        refusedBy.computeIfAbsent(partition, p -> new HashSet<>()).add(copy);
    }

    /**
     * {@code candidates} for a stale read of {@code partition} without the copies that refused it
     * before; all of them again (forgetting the refusals) when every one has refused.
     */
    synchronized List<HostInfo> notRefused(int partition, List<HostInfo> candidates) {
        Set<HostInfo> refused = refusedBy.getOrDefault(partition, Set.of());
        List<HostInfo> left = candidates.stream().filter(h -> !refused.contains(h)).toList();
        if (left.isEmpty()) {
            refusedBy.remove(partition);
            return candidates;
        }
        return left;
    }

    /** The answers kept, one per group of partitions. */
    synchronized List<R> answers() {
        return List.copyOf(answers);
    }
}
