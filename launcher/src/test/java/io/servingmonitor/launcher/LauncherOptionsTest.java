package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servingmonitor.processor.MetricResolution;
import io.servingmonitor.processor.ProcessorConfig;
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
    void helpAnswersWithTheUsageOfTheRole() {
        assertThatThrownBy(() -> parse("--help"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(LauncherOptions.usage(Role.STANDALONE));
        assertThatThrownBy(() -> LauncherOptions.parse(Role.INGEST, List.of("--help"), Map.of()))
                .hasMessage(LauncherOptions.usage(Role.INGEST));
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
    void metricRollupsDefaultToAnHourForNinetyDaysAndAreTakenOrTurnedOff() {
        assertThat(parse().processorConfig().rollups()).containsExactly(ProcessorConfig.DEFAULT_ROLLUP);
        assertThat(parse("--metric-rollups", "1d:400d,2h:30d").processorConfig().rollups())
                .extracting(MetricResolution::windowSeconds).containsExactly(7_200L, 86_400L);
        assertThat(parse("--metric-rollups", "none").processorConfig().rollups()).isEmpty();
        assertThat(parse("--metric-rollups", "none").processorConfig().storedResolutions())
                .isEqualTo(parse().processorConfig().resolutions());
    }

    @Test
    void resolutionsTheDefaultRollupCannotBeBuiltFromStartWithoutARollup() {
        assertThat(parse("--metric-resolutions", "10s:2d,1h:400d").processorConfig().rollups()).isEmpty();
        assertThat(parse("--metric-resolutions", "10s:2d,7m:90d").processorConfig().rollups()).isEmpty();
        assertThat(parse("--metric-resolutions", "10s:2d,15m:90d").processorConfig().rollups())
                .containsExactly(ProcessorConfig.DEFAULT_ROLLUP);
        assertThatThrownBy(() -> parse("--metric-resolutions", "10s:2d,7m:90d", "--metric-rollups", "1h:90d"))
                .hasMessageStartingWith("--metric-rollups: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7m:9d", "5m:9d", "1h", "1h:30m", ""})
    void badMetricRollupsAreRejectedNamingTheFlag(String rollups) {
        assertThatThrownBy(() -> parse("--metric-rollups", rollups))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--metric-rollups: ");
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

    // ---- roles and environment variables

    private static final Map<String, String> ROLE_BASICS = Map.of(
            "SERVING_MONITOR_BOOTSTRAP_SERVERS", "kafka-1:9092",
            "SERVING_MONITOR_CREDENTIALS", "/etc/serving-monitor/credentials",
            LauncherOptions.TOKEN_SECRET_ENV, SECRET_A);

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>(ROLE_BASICS);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /** A valid value of every option, to give each one through its variable. */
    private static final Map<String, String> SAMPLE_VALUES = Map.ofEntries(
            Map.entry("--port", "9001"), Map.entry("--host", "10.0.0.7"), Map.entry("--advertised-host", "node-7"),
            Map.entry("--data-dir", "/var/lib/sm"), Map.entry("--credentials", "/etc/sm/credentials"),
            Map.entry("--bootstrap-servers", "kafka-9:9092"), Map.entry("--kafka-port", "9999"),
            Map.entry("--application-id", "from-env"), Map.entry("--partitions", "9"),
            Map.entry("--replication-factor", "2"), Map.entry("--standby-replicas", "1"),
            Map.entry("--metric-resolutions", "20s:1d"), Map.entry("--metric-rollups", "2h:30d"), Map.entry("--min-chart-interval", "1m"),
            Map.entry("--body-limit", "4096"), Map.entry("--token-secret", SECRET_B),
            Map.entry("--trusted-proxies", "10.0.0.0/8"), Map.entry("--container-auto-register", "false"),
            Map.entry("--container-auto-unregister", "false"), Map.entry("--query-nodes", "q1:8008,q2:8008"),
            Map.entry("--stream-threads", "3"), Map.entry("--rocksdb-memory", "64m"),
            Map.entry("--max-clock-skew", "5s"), Map.entry("--rate-limit", "10/s"), Map.entry("--idle-timeout", "7s"),
            Map.entry("--min-request-rate", "100"), Map.entry("--read-queue", "77"), Map.entry("--metric-grace", "2m"),
            Map.entry("--session-timeout", "20s"), Map.entry("--write-timeout", "4s"),
            Map.entry("--region", "eu-west-1"), Map.entry("--zone", "eu-west-1a"), Map.entry("--max-standby-lag", "500"),
            Map.entry("--fleet-metrics-max-series", "50"), Map.entry("--log-format", "json"),
            Map.entry("--log-level", "debug"));

    @Test
    void everyOptionHasTheEnvironmentVariableNamedAfterItsFlag() {
        assertThat(LauncherOptions.environmentVariable("--write-timeout")).isEqualTo("SERVING_MONITOR_WRITE_TIMEOUT");
        assertThat(LauncherOptions.environmentVariable("--token-secret")).isEqualTo(LauncherOptions.TOKEN_SECRET_ENV);
        for (LauncherOptions.Option option : LauncherOptions.OPTIONS) {
            assertThat(option.environmentVariable())
                    .isEqualTo("SERVING_MONITOR_" + option.flag().substring(2).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    @Test
    void everyOptionOfEveryRoleIsTakenFromItsEnvironmentVariable() {
        assertThat(SAMPLE_VALUES.keySet()).as("a sample value per option")
                .containsExactlyInAnyOrderElementsOf(LauncherOptions.OPTIONS.stream().map(LauncherOptions.Option::flag).toList());
        for (LauncherOptions.Option option : LauncherOptions.OPTIONS) {
            for (Role role : option.roles()) {
                Map<String, String> env = env(option.environmentVariable(), SAMPLE_VALUES.get(option.flag()));
                if (role == Role.INGEST && option.flag().startsWith("--container-auto-")) {
                    env.put("SERVING_MONITOR_QUERY_NODES", "q1:8008");
                }
                LauncherOptions fromEnv = LauncherOptions.parse(role, List.of(), env);
                List<String> args = List.of(option.flag(), SAMPLE_VALUES.get(option.flag()));
                Map<String, String> withoutIt = new java.util.HashMap<>(env);
                withoutIt.remove(option.environmentVariable());
                LauncherOptions fromFlag = LauncherOptions.parse(role, args, withoutIt);

                assertThat(fromEnv).as(option.environmentVariable() + " for " + role + " is read as " + option.flag())
                        .isEqualTo(fromFlag);
                boolean required = role != Role.STANDALONE && ROLE_BASICS.containsKey(option.environmentVariable());
                if (!required) {
                    assertThat(fromEnv).as(option.environmentVariable() + " for " + role + " changes something")
                            .isNotEqualTo(LauncherOptions.parse(role, List.of(), withoutIt));
                }
            }
        }
    }

    @Test
    void flagOnTheCommandLineWinsOverItsEnvironmentVariable() {
        Map<String, String> env = Map.of("SERVING_MONITOR_PORT", "9001", "SERVING_MONITOR_WRITE_TIMEOUT", "soon",
                LauncherOptions.TOKEN_SECRET_ENV, SECRET_A);

        LauncherOptions options = LauncherOptions.parse(List.of("--port", "9002", "--write-timeout", "3s",
                "--token-secret", SECRET_B), env);

        assertThat(options.port()).isEqualTo(9002);
        assertThat(options.writeTimeout()).as("a bad variable the flag overrides is not read").isEqualTo(Duration.ofSeconds(3));
        assertThat(options.tokenSecret()).contains(SECRET_B);
        assertThat(LauncherOptions.parse(List.of(), env.entrySet().stream().filter(e -> !e.getKey().contains("WRITE"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))).port()).isEqualTo(9001);
    }

    @Test
    void badValueFromAnEnvironmentVariableIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> LauncherOptions.parse(List.of(), Map.of("SERVING_MONITOR_PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SERVING_MONITOR_PORT must be a whole number, not 'http'");
        assertThatThrownBy(() -> LauncherOptions.parse(List.of(), Map.of("SERVING_MONITOR_WRITE_TIMEOUT", "1s")))
                .hasMessage("SERVING_MONITOR_WRITE_TIMEOUT must be at least 2s, not 1s");
        assertThatThrownBy(() -> LauncherOptions.parse(List.of(), Map.of("SERVING_MONITOR_CONTAINER_AUTO_REGISTER", "no")))
                .hasMessage("SERVING_MONITOR_CONTAINER_AUTO_REGISTER must be true or false, not 'no'");
        assertThatThrownBy(() -> LauncherOptions.parse(List.of(), Map.of("SERVING_MONITOR_METRIC_GRACE", "3d")))
                .hasMessageStartingWith("SERVING_MONITOR_METRIC_GRACE must be between 0s");
        assertThatThrownBy(() -> LauncherOptions.parse(Role.INGEST, List.of(), env("SERVING_MONITOR_QUERY_NODES", "q1")))
                .hasMessageStartingWith("SERVING_MONITOR_QUERY_NODES must list HOST:PORT");
    }

    @Test
    void emptyEnvironmentVariableCountsAsUnset() {
        assertThat(LauncherOptions.parse(List.of(), Map.of("SERVING_MONITOR_PORT", "")).port()).isEqualTo(8008);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INGEST", "QUERY"})
    void ingestAndQueryNeedBootstrapServersCredentialsAndTokenSecretNamingFlagAndVariable(Role role) {
        String command = role.command();
        assertThatThrownBy(() -> LauncherOptions.parse(role, List.of(), Map.of()))
                .hasMessage("serving-monitor " + command + " needs --bootstrap-servers (or SERVING_MONITOR_BOOTSTRAP_SERVERS):"
                        + " it runs against an external Kafka");
        assertThatThrownBy(() -> LauncherOptions.parse(role, List.of("--bootstrap-servers", "k:9092"), Map.of()))
                .hasMessageStartingWith("serving-monitor " + command + " needs --credentials (or SERVING_MONITOR_CREDENTIALS)");
        assertThatThrownBy(() -> LauncherOptions.parse(role, List.of("--bootstrap-servers", "k:9092", "--credentials", "c"),
                Map.of())).hasMessageStartingWith("serving-monitor " + command + " needs --token-secret (or " + LauncherOptions.TOKEN_SECRET_ENV + ")");
        assertThat(LauncherOptions.parse(role, List.of(), ROLE_BASICS).role()).isEqualTo(role);
    }

    @Test
    void optionOfAnotherRoleOnTheCommandLineIsRefusedNamingIt() {
        assertThatThrownBy(() -> LauncherOptions.parse(Role.INGEST, List.of("--data-dir", "d"), ROLE_BASICS))
                .hasMessage("--data-dir is not an option of serving-monitor ingest (only of standalone, query)");
        assertThatThrownBy(() -> LauncherOptions.parse(Role.QUERY, List.of("--write-timeout", "5s"), ROLE_BASICS))
                .hasMessage("--write-timeout is not an option of serving-monitor query (only of standalone, ingest)");
        assertThatThrownBy(() -> LauncherOptions.parse(Role.QUERY, List.of("--kafka-port", "0"), ROLE_BASICS))
                .hasMessage("--kafka-port is not an option of serving-monitor query (only of standalone)");
        assertThatThrownBy(() -> parse("--query-nodes", "q:1"))
                .hasMessage("--query-nodes is not an option of serving-monitor standalone (only of ingest)");
    }

    @Test
    void environmentVariableOfAnotherRoleIsIgnored() {
        LauncherOptions query = LauncherOptions.parse(Role.QUERY, List.of(),
                env("SERVING_MONITOR_WRITE_TIMEOUT", "not a duration", "SERVING_MONITOR_KAFKA_PORT", "-1"));
        LauncherOptions ingest = LauncherOptions.parse(Role.INGEST, List.of(),
                env("SERVING_MONITOR_STANDBY_REPLICAS", "lots", "SERVING_MONITOR_DATA_DIR", "/elsewhere"));

        assertThat(query.writeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(ingest.dataDir()).isEqualTo(Path.of("data"));
    }

    @Test
    void usageOfARoleListsOnlyItsOptions() {
        assertThat(LauncherOptions.usage(Role.INGEST)).startsWith("usage: serving-monitor ingest [options]");
        assertThat(LauncherOptions.usage(Role.QUERY)).startsWith("usage: serving-monitor query [options]");
        assertThat(listedFlags(Role.INGEST)).contains("--write-timeout DUR", "--query-nodes H:P,...",
                        "--container-auto-register true|false", "--port N")
                .noneMatch(f -> f.startsWith("--data-dir") || f.startsWith("--kafka-port") || f.startsWith("--standby-replicas")
                        || f.startsWith("--advertised-host"));
        assertThat(listedFlags(Role.QUERY)).contains("--standby-replicas N", "--data-dir DIR", "--advertised-host NAME", "--port N")
                .noneMatch(f -> f.startsWith("--write-timeout") || f.startsWith("--kafka-port") || f.startsWith("--query-nodes")
                        || f.startsWith("--container-auto-register"));
        assertThat(listedFlags(Role.STANDALONE)).contains("--kafka-port N", "--write-timeout DUR", "--data-dir DIR")
                .noneMatch(f -> f.startsWith("--query-nodes"));
        for (Role role : Role.values()) {
            // Its options and --version, which every role takes and which is no option (it has no variable).
            assertThat(listedFlags(role)).as(role.command()).anyMatch(f -> f.startsWith(LauncherOptions.VERSION_FLAG + " "))
                    .hasSize((int) LauncherOptions.OPTIONS.stream().filter(o -> o.roles().contains(role)).count() + 1);
        }
        assertThat(LauncherOptions.USAGE).contains("standalone|ingest|query", "SERVING_MONITOR_FOO_BAR", "hash-secret");
        for (LauncherOptions.Option option : LauncherOptions.OPTIONS) {
            assertThat(LauncherOptions.USAGE).contains(option.flag() + " " + option.value());
        }
    }

    /** The options a role's usage lists: its lines that start with a flag, flag and value. */
    private static List<String> listedFlags(Role role) {
        return LauncherOptions.usage(role).lines().filter(line -> line.startsWith("  --"))
                .map(line -> String.join(" ", java.util.Arrays.asList(line.trim().split("\\s+")).subList(0, 2)))
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0"})
    void wildcardHostWithAnExternalKafkaAndNoAdvertisedHostIsRefusedNamingTheOption(String wildcard) {
        for (Role role : List.of(Role.STANDALONE, Role.QUERY)) {
            assertThatThrownBy(() -> LauncherOptions.parse(role, List.of("--host", wildcard), ROLE_BASICS))
                    .as(role.command())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--host " + wildcard)
                    .hasMessageContaining("--advertised-host")
                    .hasMessageContaining("SERVING_MONITOR_ADVERTISED_HOST");
            assertThat(LauncherOptions.parse(role, List.of("--host", wildcard, "--advertised-host", "node-3"), ROLE_BASICS)
                    .advertisedHost()).isEqualTo("node-3");
        }
    }

    @Test
    void wildcardHostWithTheEmbeddedBrokerStillAdvertisesLoopbackAndAnIngestNodeAdvertisesNothing() {
        assertThat(parse("--host", "0.0.0.0").advertisedHost()).as("one machine: peers are local").isEqualTo("127.0.0.1");
        assertThat(parse("--host", "::").advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(LauncherOptions.parse(Role.INGEST, List.of("--host", "0.0.0.0"), ROLE_BASICS).host()).isEqualTo("0.0.0.0");
        assertThat(LauncherOptions.parse(List.of("--host", "10.1.2.3", "--bootstrap-servers", "k:9092"), Map.of())
                .advertisedHost()).as("a routable host is its own advertised host").isEqualTo("10.1.2.3");
    }

    @Test
    void strictRegistrationOnAnIngestNodeNeedsTheQueryNodes() {
        assertThatThrownBy(() -> LauncherOptions.parse(Role.INGEST, List.of("--container-auto-register", "false"), ROLE_BASICS))
                .hasMessage("ingest: --container-auto-register false needs the registry, which the query nodes hold:"
                        + " give --query-nodes HOST:PORT,... (or SERVING_MONITOR_QUERY_NODES)");
        assertThatThrownBy(() -> LauncherOptions.parse(Role.INGEST, List.of("--container-auto-unregister", "false"), ROLE_BASICS))
                .hasMessageContaining("--container-auto-unregister false").hasMessageContaining("--query-nodes");

        LauncherOptions options = LauncherOptions.parse(Role.INGEST, List.of("--container-auto-register", "false",
                "--query-nodes", "q1:8008, [::1]:8009"), ROLE_BASICS);
        assertThat(options.queryNodes()).containsExactly(new org.apache.kafka.streams.state.HostInfo("q1", 8008),
                new org.apache.kafka.streams.state.HostInfo("::1", 8009));
    }

    @Test
    void readmeTableListsEveryOptionOnceWithItsVariableAndItsRoles() throws java.io.IOException {
        List<String> rows = java.nio.file.Files.readAllLines(ComposeFileTest.repositoryRoot().resolve("README.md")).stream()
                .filter(line -> line.startsWith("| `--"))
                .toList();

        assertThat(rows).as("one row per option").hasSize(LauncherOptions.OPTIONS.size());
        for (LauncherOptions.Option option : LauncherOptions.OPTIONS) {
            List<String> row = rows.stream()
                    .filter(line -> line.startsWith("| `" + option.flag() + " ") || line.startsWith("| `" + option.flag() + "`"))
                    .toList();
            assertThat(row).as(option.flag() + " in the README table").hasSize(1);
            String[] cells = row.get(0).split(" \\| ");
            assertThat(cells[1]).isEqualTo("`" + option.environmentVariable() + "`");
            String roles = option.roles().size() == Role.values().length ? "all"
                    : option.roles().stream().sorted().map(Role::command).collect(java.util.stream.Collectors.joining(", "));
            assertThat(cells[2]).as(option.flag() + " roles").isEqualTo(roles);
        }
    }
}
