package io.servingmonitor.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    private final StreamsSettings settings = new StreamsSettings("serving-monitor", "broker-1:9092,broker-2:9092",
            Path.of("/var/lib/serving-monitor"), "query-1.internal", 8081, 1, 3);

    @Test
    void propertiesCarryExactlyOnceStateDirApplicationServerStandbysAndReplication() {
        Properties props = settings.toProperties();

        assertThat(props.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("serving-monitor");
        assertThat(props.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("broker-1:9092,broker-2:9092");
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo(Path.of("/var/lib/serving-monitor").toString());
        assertThat(props.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("query-1.internal:8081");
        assertThat(props.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
        assertThat(props.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
    }

    @Test
    void propertiesAreAcceptedByStreamsConfig() {
        StreamsConfig config = new StreamsConfig(settings.toProperties());

        assertThat(config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(config.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
    }

    @Test
    void sessionTimeoutReachesTheMainConsumerWithHeartbeatsAThirdOfItApart() {
        StreamsConfig config = new StreamsConfig(settings.toProperties(new SkippedRecords(), Duration.ofSeconds(6)));
        Map<String, Object> consumer = config.getMainConsumerConfigs("group", "client", 0);

        assertThat(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(6_000);
        assertThat(consumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).isEqualTo(2_000);
        assertThat(new StreamsConfig(settings.toProperties(new SkippedRecords(), StreamsSettings.DEFAULT_SESSION_TIMEOUT))
                .getMainConsumerConfigs("group", "client", 0).get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG))
                .as("Kafka's default heartbeat").isEqualTo(3_000);
    }

    @Test
    void replicationFactorBelowOneIsRejected() {
        assertThatThrownBy(() -> new StreamsSettings("a", "b:1", Path.of("s"), "h", 80, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replication factor");
    }

    @Test
    void portOutOfRangeIsRejected() {
        assertThatThrownBy(() -> new StreamsSettings("a", "b:1", Path.of("s"), "h", 0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
    }

    @Test
    void propertiesCarryStreamThreadsAndTheMemoryBounds() {
        StreamsSettings bounded = new StreamsSettings("a", "b:1", Path.of("s"), "h", 80, 0, 1, 4, 128L * 1024 * 1024);
        Properties props = bounded.toProperties();

        assertThat(props.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(4);
        assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(BoundedRocksDbMemory.class);
        assertThat(props.get(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG)).isEqualTo(128L * 1024 * 1024);
        assertThat(props.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo(StreamsSettings.RECORD_CACHE_BYTES);
        assertThat(new StreamsConfig(props).getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo(32L * 1024 * 1024);
    }

    @Test
    void withoutThreadsAndMemoryOneThreadPerCoreAnd256MiB() {
        assertThat(settings.streamThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(settings.rocksDbMemoryBytes()).isEqualTo(256L * 1024 * 1024);
    }

    @Test
    void propertiesInstallTheSkippingHandlersWithTheGivenCounts() {
        SkippedRecords skipped = new SkippedRecords();
        Properties props = settings.toProperties(skipped);

        assertThat(props.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(CountingDeserializationExceptionHandler.class);
        assertThat(props.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(SkippingProcessingExceptionHandler.class);
        assertThat(props.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(SkippingProductionExceptionHandler.class);
        assertThat(props.get(SkippedRecords.CONFIG_KEY)).isSameAs(skipped);
    }

    @Test
    void withoutZoneOrRegionThereAreNoClientTagsAndNoRackAwareness() {
        Properties props = settings.withClientTags(StreamsSettings.locationTags(null, null)).toProperties();

        assertThat(props.stringPropertyNames()).noneMatch(name -> name.startsWith(StreamsConfig.CLIENT_TAG_PREFIX));
        assertThat(props).doesNotContainKey(StreamsConfig.RACK_AWARE_ASSIGNMENT_TAGS_CONFIG);
        assertThat(new StreamsConfig(props).getList(StreamsConfig.RACK_AWARE_ASSIGNMENT_TAGS_CONFIG)).isEmpty();
    }

    @Test
    void zoneAndRegionBecomeClientTagsAndTheRackAwareAssignmentTags() {
        StreamsConfig config = new StreamsConfig(settings.withClientTags(StreamsSettings.locationTags("eu-west-1a", "eu-west-1"))
                .toProperties());

        assertThat(config.getClientTags()).containsExactlyInAnyOrderEntriesOf(Map.of("zone", "eu-west-1a", "region", "eu-west-1"));
        assertThat(config.originals()).containsEntry("client.tag.zone", "eu-west-1a")
                .containsEntry("client.tag.region", "eu-west-1");
        assertThat(config.getList(StreamsConfig.RACK_AWARE_ASSIGNMENT_TAGS_CONFIG)).containsExactly("zone", "region");
    }

    @Test
    void onlyTheTagsThatAreSetAreRackAwareAssignmentTags() {
        StreamsConfig zoneOnly = new StreamsConfig(settings.withClientTags(StreamsSettings.locationTags("a", null)).toProperties());
        StreamsConfig regionOnly = new StreamsConfig(settings.withClientTags(StreamsSettings.locationTags(null, "eu")).toProperties());

        assertThat(zoneOnly.getClientTags()).isEqualTo(Map.of("zone", "a"));
        assertThat(zoneOnly.getList(StreamsConfig.RACK_AWARE_ASSIGNMENT_TAGS_CONFIG)).containsExactly("zone");
        assertThat(regionOnly.getClientTags()).isEqualTo(Map.of("region", "eu"));
        assertThat(regionOnly.getList(StreamsConfig.RACK_AWARE_ASSIGNMENT_TAGS_CONFIG)).containsExactly("region");
    }

    @Test
    void theClassicGroupProtocolIsPinnedSoThatStandbysAndRackAwareTagsApply() {
        StreamsConfig config = new StreamsConfig(settings.withClientTags(StreamsSettings.locationTags("a", null)).toProperties());

        assertThat(config.getString(StreamsConfig.GROUP_PROTOCOL_CONFIG)).isEqualToIgnoringCase("classic");
    }

    @Test
    void streamThreadsBelowOneAreRejected() {
        assertThatThrownBy(() -> new StreamsSettings("a", "b:1", Path.of("s"), "h", 80, 0, 1, 0, 1L << 28))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream threads");
    }
}
