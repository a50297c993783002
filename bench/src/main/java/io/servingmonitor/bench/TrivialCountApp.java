package io.servingmonitor.bench;

import io.servingmonitor.topics.Serdes;
import io.servingmonitor.topics.Topics;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;

/**
 * The processing ceiling: the simplest Streams app that does the same kind of work as the
 * topology on the same records: reads {@code container-events}, repartitions by endpoint url
 * and counts per url in RocksDB, exactly-once v2, one stream thread.
 */
public final class TrivialCountApp {

    static final String COUNT_STORE = "bench-url-count";

    private TrivialCountApp() {
    }

    public static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.CONTAINER_EVENTS, Consumed.with(Serdes.containerKey(), Serdes.containerEvent()))
                .selectKey((key, event) -> event.model() == null || event.model().endpointUrl() == null
                        ? "" : event.model().endpointUrl())
                .groupByKey(Grouped.with(org.apache.kafka.common.serialization.Serdes.String(), Serdes.containerEvent()))
                .count(Materialized.as(COUNT_STORE));
        return builder.build();
    }

    public static Properties properties(String applicationId, String bootstrapServers, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }
}
