package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.processor.MetricResolution;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LauncherOptionsTest {

    private static final String SECRET_A = "a-token-secret-of-thirty-two-chars-or-more";
    private static final String SECRET_B = "another-token-secret-of-thirty-two-chars-plus";

    private static LauncherOptions parse(String... args) {
        return LauncherOptions.parse(List.of(args), Map.of());
    }

    @Test
    void noArgumentsGiveTheLaptopDefaultsWithTheEmbeddedBroker() {
        LauncherOptions options = parse();

        assertThat(options.port()).isEqualTo(8008);
        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(options.dataDir().normalize()).isEqualTo(Path.of("./data").normalize());
        assertThat(options.bootstrapServers()).as("no --bootstrap-servers: the embedded broker").isEmpty();
        assertThat(options.kafkaPort()).isEqualTo(9092);
        assertThat(options.credentials()).isEmpty();
        assertThat(options.applicationId()).isEqualTo("serving-monitor");
        assertThat(options.topics().partitions()).isEqualTo(6);
        assertThat(options.topics().replicationFactor()).isEqualTo((short) 1);
        assertThat(options.standbyReplicas()).isZero();
        assertThat(options.resolutions()).containsExactly(
                new MetricResolution(Duration.ofSeconds(10), Duration.ofDays(2)),
                new MetricResolution(Duration.ofMinutes(5), Duration.ofDays(90)));
        assertThat(options.minChartInterval()).isEqualTo(Duration.ofSeconds(40));
        assertThat(options.bodyLimitBytes()).isEqualTo(1024 * 1024);
        assertThat(options.tokenSecret()).isEmpty();
        assertThat(options.containerAutoRegister()).as("ClearML's container_auto_register default").isTrue();
        assertThat(options.containerAutoUnregister()).as("ClearML's container_auto_unregister default").isTrue();
    }

    @Test
    void regionAndZoneAreNotSetByDefault() {
        LauncherOptions options = parse();

        assertThat(options.region()).isEmpty();
        assertThat(options.zone()).isEmpty();
    }

    @Test
    void regionAndZoneAreParsed() {
        LauncherOptions options = parse("--region", "eu-west-1", "--zone", "eu-west-1a");

        assertThat(options.region()).contains("eu-west-1");
        assertThat(options.zone()).contains("eu-west-1a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "eu west", "eu/west", "r\u00e9gion", "x-12345678901234567890123456789012345678901234567890123456789012345"})
    void aRegionOrZoneThatIsNotAShortNameIsRefusedNamingTheFlag(String value) {
        assertThatThrownBy(() -> parse("--region", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--region must be a short name");
        assertThatThrownBy(() -> parse("--zone", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--zone must be a short name");
    }

    @Test
    void usageDocumentsRegionAndZone() {
        assertThat(LauncherOptions.USAGE).contains("--region NAME", "--zone NAME");
    }

    @Test
    void everyFlagIsParsed() {
        LauncherOptions options = parse(
                "--port", "9000",
                "--host", "10.1.2.3",
                "--advertised-host", "monitor-1",
                "--data-dir", "/var/lib/serving-monitor",
                "--credentials", "/etc/serving-monitor/credentials",
                "--bootstrap-servers", "kafka-1:9092,kafka-2:9092",
                "--kafka-port", "0",
                "--application-id", "monitor-eu",
                "--partitions", "12",
                "--replication-factor", "3",
                "--standby-replicas", "1",
                "--metric-resolutions", "1m:7d,15s:1d",
                "--min-chart-interval", "1m",
                "--body-limit", "2048",
                "--token-secret", SECRET_A,
                "--container-auto-register", "false",
                "--container-auto-unregister", "false");

        assertThat(options.port()).isEqualTo(9000);
        assertThat(options.host()).isEqualTo("10.1.2.3");
        assertThat(options.advertisedHost()).isEqualTo("monitor-1");
        assertThat(options.dataDir()).isEqualTo(Path.of("/var/lib/serving-monitor"));
        assertThat(options.credentials()).contains(Path.of("/etc/serving-monitor/credentials"));
        assertThat(options.bootstrapServers()).contains("kafka-1:9092,kafka-2:9092");
        assertThat(options.kafkaPort()).isZero();
        assertThat(options.applicationId()).isEqualTo("monitor-eu");
        assertThat(options.topics().partitions()).isEqualTo(12);
        assertThat(options.topics().replicationFactor()).isEqualTo((short) 3);
        assertThat(options.standbyReplicas()).isEqualTo(1);
        assertThat(options.resolutions()).as("finest first").containsExactly(
                new MetricResolution(Duration.ofSeconds(15), Duration.ofDays(1)),
                new MetricResolution(Duration.ofMinutes(1), Duration.ofDays(7)));
        assertThat(options.minChartInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(options.bodyLimitBytes()).isEqualTo(2048);
        assertThat(options.tokenSecret()).contains(SECRET_A);
        assertThat(options.containerAutoRegister()).isFalse();
        assertThat(options.containerAutoUnregister()).isFalse();
    }

    @Test
    void abuseLimitsDefaultToOffForTheRateAndToBoundsForSlowClientsAndReads() {
        LauncherOptions options = parse();

        assertThat(options.rateLimit().enabled()).as("rate limit off by default").isFalse();
        assertThat(options.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.minRequestDataRate()).as("off: Jetty would count the server's own delay").isZero();
        assertThat(options.readQueue()).isEqualTo(1000);
    }

    @Test
    void abuseLimitFlagsAreParsed() {
        LauncherOptions options = parse("--rate-limit", "50/10s", "--idle-timeout", "5s", "--min-request-rate", "2048",
                "--read-queue", "20");

        assertThat(options.rateLimit()).isEqualTo(new io.servingmonitor.api.ApiConfig.RateLimit(50, Duration.ofSeconds(10)));
        assertThat(options.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.minRequestDataRate()).isEqualTo(2048);
        assertThat(options.readQueue()).isEqualTo(20);
    }

    @Test
    void badAbuseLimitValuesNameTheirFlag() {
        assertThatThrownBy(() -> parse("--rate-limit", "lots")).hasMessageContaining("--rate-limit");
        assertThatThrownBy(() -> parse("--idle-timeout", "0s")).hasMessageContaining("--idle-timeout");
        assertThatThrownBy(() -> parse("--min-request-rate", "-1")).hasMessageContaining("--min-request-rate");
        assertThatThrownBy(() -> parse("--read-queue", "0")).hasMessageContaining("--read-queue");
    }

    @Test
    void metricGraceAndSessionTimeoutDefaultToAGraceLongerThanTheFailoverTheyAllow() {
        LauncherOptions options = parse();

        assertThat(options.sessionTimeout()).as("Kafka's consumer default").isEqualTo(Duration.ofSeconds(45));
        assertThat(options.metricGrace()).isEqualTo(Duration.ofMinutes(5));
        assertThat(options.metricGrace()).as("the grace covers the session timeout plus a minute of restore")
                .isGreaterThan(options.sessionTimeout().plusMinutes(1));
    }

    @Test
    void metricGraceAndSessionTimeoutAreParsed() {
        LauncherOptions options = parse("--metric-grace", "90s", "--session-timeout", "10s");

        assertThat(options.metricGrace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(parse("--metric-grace", "0s").metricGrace()).isZero();
    }

    @Test
    void sessionTimeoutOutsideTheBrokersBoundsIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> parse("--session-timeout", "5s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--session-timeout must be between 6s and 30m, not 5s");
        assertThatThrownBy(() -> parse("--session-timeout", "31m"))
                .hasMessage("--session-timeout must be between 6s and 30m, not 31m");
        assertThatThrownBy(() -> parse("--session-timeout", "soon"))
                .hasMessageStartingWith("--session-timeout: not a duration");
    }

    @Test
    void metricGraceLongerThanTheFinestRetentionOrNegativeIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> parse("--metric-grace", "3d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--metric-grace must be between 0s and the finest resolution's retention (172800s), not 259200s");
        assertThatThrownBy(() -> parse("--metric-grace", "-1s"))
                .hasMessageStartingWith("--metric-grace must be between 0s");
        assertThatThrownBy(() -> parse("--metric-resolutions", "10s:1m", "--metric-grace", "5m"))
                .hasMessageContaining("(60s)");
    }

    @Test
    void usageDocumentsMetricGraceAndSessionTimeout() {
        assertThat(LauncherOptions.USAGE).contains("--metric-grace DUR", "--session-timeout DUR");
    }

    @Test
    void eachContainerAutoFlagIsSetOnItsOwn() {
        LauncherOptions strictRegister = parse("--container-auto-register", "false");
        LauncherOptions strictUnregister = parse("--container-auto-unregister", "false", "--container-auto-register", "true");

        assertThat(strictRegister.containerAutoRegister()).isFalse();
        assertThat(strictRegister.containerAutoUnregister()).isTrue();
        assertThat(strictUnregister.containerAutoRegister()).isTrue();
        assertThat(strictUnregister.containerAutoUnregister()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "1", "0", "TRUE", "False", ""})
    void containerAutoFlagsAcceptOnlyTrueOrFalseNamingTheFlag(String value) {
        for (String flag : List.of("--container-auto-register", "--container-auto-unregister")) {
            assertThatThrownBy(() -> parse(flag, value))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(flag + " must be true or false, not '" + value + "'");
        }
    }

    @Test
    void usageDocumentsTheContainerAutoFlags() {
        assertThat(LauncherOptions.USAGE).contains("--container-auto-register true|false",
                "--container-auto-unregister true|false");
    }

    @Test
    void advertisedHostFollowsTheHostButNeverAdvertisesTheWildcard() {
        assertThat(parse("--host", "10.1.2.3").advertisedHost()).isEqualTo("10.1.2.3");
        assertThat(parse("--host", "0.0.0.0").advertisedHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void tokenSecretComesFromTheEnvironmentUnlessTheFlagIsGiven() {
        Map<String, String> env = Map.of(LauncherOptions.TOKEN_SECRET_ENV, SECRET_A);

        assertThat(LauncherOptions.parse(List.of(), env).tokenSecret()).contains(SECRET_A);
        assertThat(LauncherOptions.parse(List.of("--token-secret", SECRET_B), env).tokenSecret()).contains(SECRET_B);
        assertThat(LauncherOptions.parse(List.of(), Map.of("OTHER", SECRET_A)).tokenSecret()).isEmpty();
    }

    @Test
    void unknownFlagIsNamed() {
        assertThatThrownBy(() -> parse("--prot", "8008"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option --prot")
                .hasMessageContaining("usage:");
    }

    @Test
    void argumentThatIsNoFlagIsNamed() {
        assertThatThrownBy(() -> parse("8008"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'8008'");
    }

    @Test
    void flagWithoutValueIsNamed() {
        assertThatThrownBy(() -> parse("--host", "0.0.0.0", "--port"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--port needs a value");
    }

    @Test
    void helpAnswersWithTheUsage() {
        assertThatThrownBy(() -> parse("--help"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(LauncherOptions.USAGE);
    }

    @Test
    void nonNumericPortIsRejectedNamingTheFlag() {
        assertThatThrownBy(() -> parse("--port", "http"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--port")
                .hasMessageContaining("whole number")
                .hasMessageContaining("'http'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536", "99999"})
    void outOfRangePortIsRejectedNamingTheFlagAndTheRange(String port) {
        assertThatThrownBy(() -> parse("--port", port))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--port must be between 0 and 65535, not " + port);
    }

    @Test
    void outOfRangeCountsAreRejectedNamingTheFlag() {
        assertThatThrownBy(() -> parse("--partitions", "0")).hasMessageContaining("--partitions");
        assertThatThrownBy(() -> parse("--replication-factor", "0")).hasMessageContaining("--replication-factor");
        assertThatThrownBy(() -> parse("--kafka-port", "70000")).hasMessageContaining("--kafka-port");
        assertThatThrownBy(() -> parse("--body-limit", "10")).hasMessageContaining("--body-limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10s", "10s:2d:3d", "10x:2d", "ten:2d", "10s:5s", "1500ms:2d", "10s:2d,10s:3d", ""})
    void badMetricResolutionsAreRejectedNamingTheFlag(String resolutions) {
        assertThatThrownBy(() -> parse("--metric-resolutions", resolutions))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--metric-resolutions: ");
    }

    @Test
    void badChartIntervalIsRejectedNamingTheFlag() {
        assertThatThrownBy(() -> parse("--min-chart-interval", "40"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--min-chart-interval: ")
                .hasMessageContaining("'40'");
    }

    @Test
    void tooShortTokenSecretIsRejectedFromTheFlagAndFromTheEnvironment() {
        String shortSecret = "x".repeat(31);

        assertThatThrownBy(() -> parse("--token-secret", shortSecret))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--token-secret")
                .hasMessageContaining("at least 32 characters");
        assertThatThrownBy(() -> LauncherOptions.parse(List.of(), Map.of(LauncherOptions.TOKEN_SECRET_ENV, shortSecret)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(LauncherOptions.TOKEN_SECRET_ENV)
                .hasMessageContaining("at least 32 characters");
        assertThat(parse("--token-secret", "x".repeat(32)).tokenSecret()).contains("x".repeat(32));
    }

    @Test
    void trustedProxiesDefaultToLoopbackAndAcceptAddressesAndBlocks() {
        assertThat(parse().trustedProxies()).containsExactly("127.0.0.0/8", "::1");
        assertThat(parse("--trusted-proxies", "10.0.0.0/8, 192.168.1.7").trustedProxies())
                .containsExactly("10.0.0.0/8", "192.168.1.7");
    }

    @Test
    void badTrustedProxyIsRejectedNamingTheFlag() {
        assertThatThrownBy(() -> parse("--trusted-proxies", "nginx.internal"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--trusted-proxies")
                .hasMessageContaining("nginx.internal");
    }

    @Test
    void flagFollowedByAnotherFlagIsMissingItsValue() {
        assertThatThrownBy(() -> parse("--host", "--port", "8008"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--host needs a value");
    }

    @Test
    void streamThreadsDefaultToTheCoresAndRocksDbMemoryTo256MiB() {
        LauncherOptions options = parse();

        assertThat(options.streamThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(options.rocksDbMemoryBytes()).isEqualTo(256L * 1024 * 1024);
    }

    @Test
    void streamThreadsAndRocksDbMemoryAreParsedWithBinarySuffixes() {
        assertThat(parse("--stream-threads", "4").streamThreads()).isEqualTo(4);
        assertThat(parse("--rocksdb-memory", "512m").rocksDbMemoryBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(parse("--rocksdb-memory", "2G").rocksDbMemoryBytes()).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(parse("--rocksdb-memory", "65536k").rocksDbMemoryBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(parse("--rocksdb-memory", "33554432").rocksDbMemoryBytes()).isEqualTo(32L * 1024 * 1024);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "256mb", "-1m", "1m", "9999999999999g"})
    void badRocksDbMemoryIsRejectedNamingTheFlag(String value) {
        assertThatThrownBy(() -> parse("--rocksdb-memory", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--rocksdb-memory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-2", "many"})
    void badStreamThreadsAreRejectedNamingTheFlag(String value) {
        assertThatThrownBy(() -> parse("--stream-threads", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--stream-threads");
    }

    @Test
    void usageDocumentsStreamThreadsAndRocksDbMemory() {
        assertThat(LauncherOptions.USAGE).contains("--stream-threads N", "--rocksdb-memory SIZE");
    }

    @Test
    void maxClockSkewDefaultsToTenSecondsAndIsParsedAsADuration() {
        assertThat(parse().maxClockSkew()).isEqualTo(Duration.ofSeconds(10));
        assertThat(parse("--max-clock-skew", "1m").maxClockSkew()).isEqualTo(Duration.ofMinutes(1));
        assertThat(parse("--max-clock-skew", "0s").maxClockSkew()).isZero();
        assertThat(LauncherOptions.USAGE).contains("--max-clock-skew DUR");
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "10", "-5s", "2d"})
    void badMaxClockSkewIsRejectedNamingTheFlag(String value) {
        assertThatThrownBy(() -> parse("--max-clock-skew", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-clock-skew");
    }

    @Test
    void writeTimeoutDefaultsTo10sAndIsParsedAsADuration() {
        assertThat(parse().writeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(parse("--write-timeout", "3s").writeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(LauncherOptions.USAGE).contains("--write-timeout DUR");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1s", "0s", "10", "soon"})
    void badWriteTimeoutIsRejectedNamingTheFlag(String value) {
        assertThatThrownBy(() -> parse("--write-timeout", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--write-timeout");
    }

    @Test
    void fleetMetricsMaxSeriesDefaultsTo1000AndZeroTurnsTheFleetGaugesOff() {
        assertThat(parse().fleetMetricsMaxSeries()).isEqualTo(1000);
        assertThat(parse("--fleet-metrics-max-series", "25").fleetMetricsMaxSeries()).isEqualTo(25);
        assertThat(parse("--fleet-metrics-max-series", "0").fleetMetricsMaxSeries()).isZero();
        assertThatThrownBy(() -> parse("--fleet-metrics-max-series", "-1")).hasMessageContaining("--fleet-metrics-max-series");
        assertThat(LauncherOptions.USAGE).contains("--fleet-metrics-max-series N");
    }

    @Test
    void maxStandbyLagDefaultsTo10000OffsetsAndZeroTurnsStaleReadsOff() {
        assertThat(parse().maxStandbyLag()).isEqualTo(10_000);
        assertThat(parse("--max-standby-lag", "250").maxStandbyLag()).isEqualTo(250);
        assertThat(parse("--max-standby-lag", "0").maxStandbyLag()).isZero();
        assertThat(LauncherOptions.USAGE).contains("--max-standby-lag N");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "many", "1.5"})
    void badMaxStandbyLagIsRejectedNamingTheFlag(String value) {
        assertThatThrownBy(() -> parse("--max-standby-lag", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-standby-lag");
    }
}
