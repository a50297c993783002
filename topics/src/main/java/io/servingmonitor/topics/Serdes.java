package io.servingmonitor.topics;

/** The serde of every key and value type on our topics. */
public final class Serdes {

    private Serdes() {
    }

    public static JsonSerde<ContainerKey> containerKey() {
        return new JsonSerde<>(ContainerKey.class);
    }

    public static JsonSerde<EndpointKey> endpointKey() {
        return new JsonSerde<>(EndpointKey.class);
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
