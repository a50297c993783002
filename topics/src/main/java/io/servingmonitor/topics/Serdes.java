package io.servingmonitor.topics;

/** The serde of every key and value type on our topics. */
public final class Serdes {

    private Serdes() {
    }

    public static KeySerde<ContainerKey> containerKey() {
        return new KeySerde<>(ContainerKey.class, ContainerKey::encode, new String[] {"company", "container_id"},
                v -> new ContainerKey(v[0], v[1]));
    }

    public static KeySerde<EndpointKey> endpointKey() {
        return new KeySerde<>(EndpointKey.class, EndpointKey::encode, new String[] {"company", "url"},
                v -> new EndpointKey(v[0], v[1]));
    }

    public static KeySerde<EndpointContainerKey> endpointContainerKey() {
        return new KeySerde<>(EndpointContainerKey.class, EndpointContainerKey::encode,
                new String[] {"company", "url", "container_id"}, v -> new EndpointContainerKey(v[0], v[1], v[2]));
    }

    /** The compact binary serde of a container's metrics over one window (see {@link ContainerSample#CODEC}). */
    public static CompactSerde<ContainerSample> containerSample() {
        return new CompactSerde<>("a metric sample", 200, ContainerSample.CODEC);
    }

    public static JsonSerde<ContainerEvent> containerEvent() {
        return new JsonSerde<>(ContainerEvent.class);
    }

    public static JsonSerde<ContainerEntry> containerEntry() {
        return new JsonSerde<>(ContainerEntry.class);
    }

    public static JsonSerde<EndpointStats> endpointStats() {
        return new JsonSerde<>(EndpointStats.class);
    }

    public static JsonSerde<WindowAggregate> windowAggregate() {
        return new JsonSerde<>(WindowAggregate.class);
    }

    public static JsonSerde<MetricWindow> metricWindow() {
        return new JsonSerde<>(MetricWindow.class);
    }
}
