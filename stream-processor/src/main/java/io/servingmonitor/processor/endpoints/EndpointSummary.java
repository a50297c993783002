package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.CompactBytes;
import io.servingmonitor.topics.CompactSerde;
import io.servingmonitor.topics.EndpointStats;
import io.servingmonitor.topics.IsoTime;
import java.math.BigDecimal;
import java.util.Collection;

/**
 * The running figures of one endpoint's containers, from which its {@code get_endpoints} row is
 * made without reading the containers: the value of {@link EndpointView#SUMMARY_STORE}. A
 * report changes it in constant time ({@link #replace}); only when the container holding the
 * largest uptime or standing for the endpoint (the one heard from last) leaves or goes back must
 * it be made again from the endpoint's containers ({@link #of}).
 *
 * <p>Sums are exact (integers, and a decimal sum of the requests per minute), so adding and
 * taking away containers never drifts. {@code minExpiryMs} is the earliest expiry among the
 * containers: a reader whose "now" is before it knows that every counted container is live.
 */
public record EndpointSummary(
        int instances,
        long uptimeSec,
        String uptimeHolder,
        long requests,
        BigDecimal requestsMinSum,
        int requestsMinCount,
        long latencySum,
        int latencyCount,
        long lastActivityMs,
        String representativeId,
        String endpointName,
        String modelName,
        long minExpiryMs) {

    /** The binary form in {@link EndpointView#SUMMARY_STORE} (format 1). */
    public static final CompactSerde.Codec<EndpointSummary> CODEC = new CompactSerde.Codec<>() {
        @Override
        public void write(EndpointSummary s, CompactBytes.Writer out) {
            out.putByte(1).putInt(s.instances).putLong(s.uptimeSec).putString(s.uptimeHolder).putLong(s.requests)
                    .putString(s.requestsMinSum.toString()).putInt(s.requestsMinCount).putLong(s.latencySum)
                    .putInt(s.latencyCount).putLong(s.lastActivityMs).putString(s.representativeId)
                    .putString(s.endpointName).putString(s.modelName).putLong(s.minExpiryMs);
        }

        @Override
        public EndpointSummary read(CompactBytes.Reader in) {
            in.expectFormat(1);
            return new EndpointSummary(in.getInt(), in.getLong(), in.getString(), in.getLong(),
                    new BigDecimal(in.getString()), in.getInt(), in.getLong(), in.getInt(), in.getLong(),
                    in.getString(), in.getString(), in.getString(), in.getLong());
        }
    };

    /** The summary of {@code members} (at least one), whose earliest expiry is {@code minExpiryMs}. */
    public static EndpointSummary of(Collection<EndpointMember> members, long minExpiryMs) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an endpoint summary needs at least one container");
        }
        EndpointSummary summary = null;
        for (EndpointMember member : members) {
            summary = summary == null ? first(member, minExpiryMs) : summary.plus(member);
        }
        return summary.withMinExpiry(minExpiryMs);
    }

    /** The earliest expiry among {@code members}, for {@link #of}. */
    public static long minExpiry(Collection<EndpointMember> members) {
        return members.stream().mapToLong(EndpointMember::expiresAtMs).min().orElse(Long.MAX_VALUE);
    }

    private static EndpointSummary first(EndpointMember m, long minExpiryMs) {
        return new EndpointSummary(1, m.uptimeOrZero(), m.containerId(), m.requestsOrZero(),
                m.requestsMin() == null ? BigDecimal.ZERO : new BigDecimal(m.requestsMin()),
                m.requestsMin() == null ? 0 : 1,
                m.latencyMs() == null ? 0 : m.latencyMs(), m.latencyMs() == null ? 0 : 1,
                m.lastActivityMs(), m.containerId(), m.endpointName(), m.modelName(), minExpiryMs);
    }

    /** With one more container. */
    private EndpointSummary plus(EndpointMember m) {
        boolean longestUp = m.uptimeOrZero() > uptimeSec
                || m.uptimeOrZero() == uptimeSec && m.containerId().compareTo(uptimeHolder) > 0;
        boolean latest = heardLaterThanRepresentative(m);
        return new EndpointSummary(instances + 1,
                longestUp ? m.uptimeOrZero() : uptimeSec, longestUp ? m.containerId() : uptimeHolder,
                requests + m.requestsOrZero(),
                m.requestsMin() == null ? requestsMinSum : requestsMinSum.add(new BigDecimal(m.requestsMin())),
                requestsMinCount + (m.requestsMin() == null ? 0 : 1),
                latencySum + (m.latencyMs() == null ? 0 : m.latencyMs()), latencyCount + (m.latencyMs() == null ? 0 : 1),
                latest ? m.lastActivityMs() : lastActivityMs,
                latest ? m.containerId() : representativeId,
                latest ? m.endpointName() : endpointName,
                latest ? m.modelName() : modelName,
                minExpiryMs);
    }

    /** Without a container, if that needs no other container's figures; null if it does. */
    private EndpointSummary minus(EndpointMember m) {
        if (instances <= 1 || m.containerId().equals(uptimeHolder) || m.containerId().equals(representativeId)) {
            return null;
        }
        return new EndpointSummary(instances - 1, uptimeSec, uptimeHolder,
                requests - m.requestsOrZero(),
                m.requestsMin() == null ? requestsMinSum : requestsMinSum.subtract(new BigDecimal(m.requestsMin())),
                requestsMinCount - (m.requestsMin() == null ? 0 : 1),
                latencySum - (m.latencyMs() == null ? 0 : m.latencyMs()), latencyCount - (m.latencyMs() == null ? 0 : 1),
                lastActivityMs, representativeId, endpointName, modelName, minExpiryMs);
    }

    /**
     * This summary with {@code before} (null: a new container) replaced by {@code after}, or null
     * when it must be made again from the containers (the one that held the largest uptime or
     * stood for the endpoint went back).
     */
    public EndpointSummary replace(EndpointMember before, EndpointMember after) {
        if (before == null) {
            return plus(after);
        }
        if (instances == 1) {
            return first(after, minExpiryMs);
        }
        boolean heldUptime = before.containerId().equals(uptimeHolder);
        boolean represented = before.containerId().equals(representativeId);
        if (heldUptime && after.uptimeOrZero() < before.uptimeOrZero()
                || represented && after.lastActivityMs() < before.lastActivityMs()) {
            return null;
        }
        // Take it away as if it held nothing, then add it back: the figures it holds are its own.
        EndpointSummary without = new EndpointSummary(instances - 1,
                heldUptime ? -1 : uptimeSec, heldUptime ? "" : uptimeHolder,
                requests - before.requestsOrZero(),
                before.requestsMin() == null ? requestsMinSum : requestsMinSum.subtract(new BigDecimal(before.requestsMin())),
                requestsMinCount - (before.requestsMin() == null ? 0 : 1),
                latencySum - (before.latencyMs() == null ? 0 : before.latencyMs()),
                latencyCount - (before.latencyMs() == null ? 0 : 1),
                represented ? Long.MIN_VALUE : lastActivityMs, represented ? "" : representativeId,
                endpointName, modelName, minExpiryMs);
        return without.plus(after);
    }

    /** This summary without {@code member}; null when it must be made again (or no container is left). */
    public EndpointSummary remove(EndpointMember member) {
        return minus(member);
    }

    public EndpointSummary withMinExpiry(long minExpiry) {
        return new EndpointSummary(instances, uptimeSec, uptimeHolder, requests, requestsMinSum, requestsMinCount,
                latencySum, latencyCount, lastActivityMs, representativeId, endpointName, modelName, minExpiry);
    }

    /** Whether every counted container is live at {@code nowMs}. */
    public boolean allLiveAt(long nowMs) {
        return nowMs < minExpiryMs;
    }

    /** The {@code get_endpoints} row of this endpoint (see {@link EndpointStats#of} for the rules). */
    public EndpointStats toRow(String url) {
        return new EndpointStats(endpointName, modelName, url, instances, uptimeSec, requests,
                requestsMinCount == 0 ? 0 : EndpointStats.round2(requestsMinSum.doubleValue() / requestsMinCount),
                latencyCount == 0 ? 0 : Math.round((double) latencySum / latencyCount),
                IsoTime.format(lastActivityMs));
    }

    private boolean heardLaterThanRepresentative(EndpointMember m) {
        return m.lastActivityMs() > lastActivityMs
                || m.lastActivityMs() == lastActivityMs && m.containerId().compareTo(representativeId) > 0;
    }
}
