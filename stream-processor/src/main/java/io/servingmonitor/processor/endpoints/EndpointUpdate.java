package io.servingmonitor.processor.endpoints;

import io.servingmonitor.topics.CompactBytes;
import io.servingmonitor.topics.CompactSerde;
import io.servingmonitor.topics.ContainerSample;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What happens to one container on one endpoint, on its way from the registry to the endpoint's
 * partition (the value of the endpoint update repartition topic, keyed by
 * {@code EndpointContainerKey}, written by {@link #CODEC}): it joins or updates
 * itself ({@code member}), it leaves ({@code left}), and/or one of its status reports brings its
 * metric values for the windows ({@code report}: the sample of that one report).
 */
public record EndpointUpdate(EndpointMember member, boolean left, ContainerSample report) {

    private static final int LEFT = 1;
    private static final int MEMBER = 2;
    private static final int REPORT = 4;

    /**
     * The bytes on the repartition topic: a format byte (2), a flags byte (1: left, 2: a member
     * follows, 4: a report follows), then the member ({@link EndpointMember#CODEC}) and the
     * report's sample ({@link ContainerSample#CODEC}): metric values travel as binary doubles, no
     * text formatting and parsing per report.
     */
    public static final CompactSerde.Codec<EndpointUpdate> CODEC = new CompactSerde.Codec<>() {
        @Override
        public void write(EndpointUpdate update, CompactBytes.Writer out) {
            out.putByte(2).putByte((update.left ? LEFT : 0) | (update.member != null ? MEMBER : 0)
                    | (update.report != null ? REPORT : 0));
            if (update.member != null) {
                EndpointMember.CODEC.write(update.member, out);
            }
            if (update.report != null) {
                ContainerSample.CODEC.write(update.report, out);
            }
        }

        @Override
        public EndpointUpdate read(CompactBytes.Reader in) {
            in.expectFormat(2);
            int flags = in.getByte();
            EndpointMember member = (flags & MEMBER) == 0 ? null : EndpointMember.CODEC.read(in);
            ContainerSample report = (flags & REPORT) == 0 ? null : ContainerSample.CODEC.read(in);
            try {
                return new EndpointUpdate(member, (flags & LEFT) != 0, report);
            } catch (IllegalArgumentException e) {
                throw new SerializationException("an endpoint update that joins and leaves", e);
            }
        }
    };

    public EndpointUpdate {
        if (member != null && left) {
            throw new IllegalArgumentException("a container cannot join and leave in one update");
        }
    }

    public static EndpointUpdate joined(EndpointMember member, ContainerSample report) {
        return new EndpointUpdate(member, false, report);
    }

    public static EndpointUpdate leftEndpoint() {
        return new EndpointUpdate(null, true, null);
    }

    public static EndpointUpdate reportOnly(ContainerSample report) {
        return new EndpointUpdate(null, false, report);
    }

    /** Whether it changes the endpoint's membership (not only metrics). */
    public boolean changesMembership() {
        return member != null || left;
    }

    /** Whether it brings a report with at least one metric value for the windows. */
    public boolean hasMetrics() {
        return report != null && !report.isEmpty();
    }
}
