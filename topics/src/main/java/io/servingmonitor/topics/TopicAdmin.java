package io.servingmonitor.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the Kafka cluster hold the declared topics ({@link Topics#all(TopicSettings)}): creates
 * the missing ones with their declared partitions, replication factor and configs, and checks the
 * existing ones against their declaration. A difference is reported as a
 * {@link TopicMismatchException}, except in a config the spec declares
 * {@linkplain TopicSpec#alignable() alignable} (one that only decides how new records are written,
 * such as {@code message.timestamp.type}): that one is set on the existing topic, and logged, once
 * nothing else differs.
 *
 * <p>What must match on an existing topic: the partition count (fewer or more is a mismatch, since
 * keys would land on other partitions than state stores and readers expect), every declared config
 * value (such as {@code cleanup.policy} and {@code retention.ms}), and the replication factor
 * when it is lower than declared (a higher one is fine).
 *
 * <p>Safe to run from several instances at once: a topic another instance created meanwhile is
 * checked like any existing topic.
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    private static final long RETRY_BACKOFF_MS = 100;

    private TopicAdmin() {
    }

    /**
     * Creates the missing topics and checks the existing ones, with an admin client of its own
     * built from {@code adminConfig} (which must hold {@link AdminClientConfig#BOOTSTRAP_SERVERS_CONFIG}).
     * Returns once every topic exists and its partitions have leaders.
     *
     * @throws TopicMismatchException if existing topics differ from their declaration
     * @throws TimeoutException if the brokers could not be reached, or did not answer, within
     *     {@code timeout}
     */
    public static void ensureTopics(Map<String, ?> adminConfig, List<TopicSpec> specs, Duration timeout) {
        Object bootstrap = adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null) {
            throw new IllegalArgumentException(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG + " is missing from the admin config");
        }
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 30_000));
        try (Admin admin = Admin.create(config)) {
            ensure(admin, "at " + bootstrapText(bootstrap), specs, timeout);
        }
    }

    /**
     * Creates the missing topics and checks the existing ones with the given admin client (which
     * stays open). Returns once every topic exists and its partitions have leaders.
     *
     * @throws TopicMismatchException if existing topics differ from their declaration
     * @throws TimeoutException if the brokers could not be reached, or did not answer, within
     *     {@code timeout}
     */
    public static void ensureTopics(Admin admin, List<TopicSpec> specs, Duration timeout) {
        ensure(admin, "of the admin client", specs, timeout);
    }

    private static void ensure(Admin admin, String brokers, List<TopicSpec> specs, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(specs, "specs");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (TopicSpec spec : specs) {
            if (byName.put(spec.name(), spec) != null) {
                throw new IllegalArgumentException("topic " + spec.name() + " is declared twice");
            }
        }
        if (byName.isEmpty()) {
            return;
        }
        Deadline deadline = new Deadline(brokers, timeout);

        Set<String> existing = deadline.await(
                admin.listTopics(new ListTopicsOptions().timeoutMs(deadline.remainingMs())).names(), "listing topics");
        Set<String> toCheck = new HashSet<>();
        List<NewTopic> missing = new ArrayList<>();
        for (TopicSpec spec : byName.values()) {
            if (existing.contains(spec.name())) {
                toCheck.add(spec.name());
            } else {
                missing.add(new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor()).configs(spec.configs()));
            }
        }
        toCheck.addAll(create(admin, missing, deadline));
        Map<String, TopicDescription> descriptions = describeWhenReady(admin, byName.keySet(), deadline);
        Map<String, Config> configs = toCheck.isEmpty() ? Map.of() : describeConfigs(admin, toCheck, deadline);

        Map<String, List<String>> mismatches = new LinkedHashMap<>();
        Map<String, Map<String, String>> toAlign = new LinkedHashMap<>();
        for (TopicSpec spec : byName.values()) {
            if (toCheck.contains(spec.name())) {
                Config config = configs.get(spec.name());
                Map<String, String> alignable = alignable(spec, config);
                List<String> differences = differences(spec, descriptions.get(spec.name()), config, alignable.keySet());
                if (!differences.isEmpty()) {
                    mismatches.put(spec.name(), differences);
                } else if (!alignable.isEmpty()) {
                    toAlign.put(spec.name(), alignable);
                }
            }
        }
        if (!mismatches.isEmpty()) {
            throw new TopicMismatchException(mismatches);
        }
        align(admin, toAlign, configs, deadline);
    }

    /** The alignable configs of {@code spec} whose value on the existing topic differs, with their declared values. */
    private static Map<String, String> alignable(TopicSpec spec, Config config) {
        Map<String, String> differing = new LinkedHashMap<>();
        for (String key : new TreeSet<>(spec.alignable())) {
            ConfigEntry entry = config == null ? null : config.get(key);
            String expected = spec.configs().get(key);
            if (entry == null || entry.value() == null || !sameValue(entry.value(), expected)) {
                differing.put(key, expected);
            }
        }
        return differing;
    }

    /**
     * Sets the alignable configs on their topics. A cluster that refuses (no permission to alter
     * configs, say) stops the start with a mismatch that says how to set them by hand.
     */
    private static void align(Admin admin, Map<String, Map<String, String>> toAlign, Map<String, Config> before,
                              Deadline deadline) {
        if (toAlign.isEmpty()) {
            return;
        }
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
        toAlign.forEach((topic, values) -> ops.put(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                values.entrySet().stream()
                        .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                        .toList()));
        Map<ConfigResource, KafkaFuture<Void>> results =
                admin.incrementalAlterConfigs(ops, new AlterConfigsOptions().timeoutMs(deadline.remainingMs())).values();
        Map<String, List<String>> refused = new LinkedHashMap<>();
        for (Map.Entry<ConfigResource, KafkaFuture<Void>> result : results.entrySet()) {
            String topic = result.getKey().name();
            Map<String, String> values = toAlign.get(topic);
            try {
                deadline.await(result.getValue(), "setting configs of topic " + topic);
                values.forEach((key, value) -> {
                    ConfigEntry old = before.get(topic) == null ? null : before.get(topic).get(key);
                    LOG.info("Set {} of Kafka topic {} to \"{}\" (was \"{}\")", key, topic, value,
                            old == null ? null : old.value());
                });
            } catch (TimeoutException e) {
                throw e;
            } catch (KafkaException e) {
                refused.put(topic, values.entrySet().stream()
                        .map(v -> v.getKey() + " must be \"" + v.getValue() + "\" and could not be set (" + e.getMessage()
                                + "); set it with kafka-configs.sh --alter --entity-type topics --entity-name " + topic
                                + " --add-config " + v.getKey() + "=" + v.getValue())
                        .toList());
            }
        }
        if (!refused.isEmpty()) {
            throw new TopicMismatchException(refused);
        }
    }

    /** Creates the topics; returns those that another creator made first. */
    private static Set<String> create(Admin admin, List<NewTopic> topics, Deadline deadline) {
        if (topics.isEmpty()) {
            return Set.of();
        }
        Map<String, KafkaFuture<Void>> results =
                admin.createTopics(topics, new CreateTopicsOptions().timeoutMs(deadline.remainingMs())).values();
        Set<String> createdElsewhere = new HashSet<>();
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                deadline.await(result.getValue(), "creating topic " + result.getKey());
                created.add(result.getKey());
            } catch (TopicExistsException e) {
                createdElsewhere.add(result.getKey());
            } catch (TimeoutException e) {
                throw e;
            } catch (KafkaException e) {
                throw new KafkaException("cannot create Kafka topic " + result.getKey() + ": " + e.getMessage(), e);
            }
        }
        if (!created.isEmpty()) {
            LOG.info("Created Kafka topics {}", created);
        }
        return createdElsewhere;
    }

    /**
     * Describes the topics, retrying while a freshly created one is not yet known to the broker
     * that answers or has partitions without a leader.
     */
    private static Map<String, TopicDescription> describeWhenReady(Admin admin, Set<String> names, Deadline deadline) {
        while (true) {
            Map<String, KafkaFuture<TopicDescription>> futures = admin
                    .describeTopics(names, new DescribeTopicsOptions().timeoutMs(deadline.remainingMs()))
                    .topicNameValues();
            Map<String, TopicDescription> descriptions = new HashMap<>();
            List<String> notReady = new ArrayList<>();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> future : futures.entrySet()) {
                try {
                    TopicDescription description = deadline.await(future.getValue(), "describing topic " + future.getKey());
                    descriptions.put(future.getKey(), description);
                    if (description.partitions().stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
                        notReady.add(future.getKey());
                    }
                } catch (UnknownTopicOrPartitionException e) {
                    notReady.add(future.getKey());
                }
            }
            if (notReady.isEmpty()) {
                return descriptions;
            }
            if (deadline.remainingMs() <= RETRY_BACKOFF_MS) {
                throw new TimeoutException("Kafka topics " + notReady + " were not ready (known to the brokers "
                        + deadline.brokers + ", with a leader for every partition) within " + deadline.timeoutText());
            }
            deadline.sleep(RETRY_BACKOFF_MS);
        }
    }

    private static Map<String, Config> describeConfigs(Admin admin, Set<String> names, Deadline deadline) {
        List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                .toList();
        Map<ConfigResource, KafkaFuture<Config>> futures =
                admin.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs(deadline.remainingMs())).values();
        Map<String, Config> configs = new HashMap<>();
        for (Map.Entry<ConfigResource, KafkaFuture<Config>> future : futures.entrySet()) {
            String name = future.getKey().name();
            configs.put(name, deadline.await(future.getValue(), "reading the configs of topic " + name));
        }
        return configs;
    }

    /** The differences of an existing topic from its spec, in plain words; empty if it matches. */
    static List<String> differences(TopicSpec spec, TopicDescription description, Config config) {
        return differences(spec, description, config, Set.of());
    }

    /** As {@link #differences(TopicSpec, TopicDescription, Config)}, leaving out the configs {@code aligned}. */
    private static List<String> differences(TopicSpec spec, TopicDescription description, Config config,
                                            Set<String> aligned) {
        List<String> differences = new ArrayList<>();
        Set<String> keys = new TreeSet<>(spec.configs().keySet());
        keys.removeAll(aligned);
        for (String key : keys) {
            String expected = spec.configs().get(key);
            ConfigEntry entry = config == null ? null : config.get(key);
            String actual = entry == null ? null : entry.value();
            if (actual == null) {
                differences.add(key + " is not set, expected \"" + expected + "\"");
            } else if (!sameValue(actual, expected)) {
                differences.add(key + " is \"" + actual + "\", expected \"" + expected + "\"");
            }
        }
        int partitions = description.partitions().size();
        if (partitions != spec.partitions()) {
            differences.add("partitions " + partitions + ", expected " + spec.partitions());
        }
        int replicationFactor = description.partitions().stream()
                .mapToInt(partition -> partition.replicas().size())
                .min()
                .orElse(spec.replicationFactor());
        if (replicationFactor < spec.replicationFactor()) {
            differences.add("replication factor " + replicationFactor + ", expected " + spec.replicationFactor());
        }
        return differences;
    }

    /** Equal values; comma-separated lists (such as {@code compact,delete}) in any order. */
    private static boolean sameValue(String actual, String expected) {
        if (actual.equals(expected)) {
            return true;
        }
        if (actual.contains(",") || expected.contains(",")) {
            return listItems(actual).equals(listItems(expected));
        }
        return false;
    }

    private static Set<String> listItems(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    private static String bootstrapText(Object bootstrap) {
        if (bootstrap instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(bootstrap);
    }

    /** The one time budget of an {@code ensureTopics} call, shared by all its admin calls. */
    private static final class Deadline {
        private final String brokers;
        private final Duration timeout;
        private final long deadlineNanos;

        Deadline(String brokers, Duration timeout) {
            this.brokers = brokers;
            this.timeout = timeout;
            this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        }

        int remainingMs() {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining));
        }

        String timeoutText() {
            long ms = timeout.toMillis();
            return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
        }

        /**
         * Waits for the future within the remaining time. A Kafka error other than a time-out is
         * rethrown as is (callers catch the ones they expect); a time-out becomes one message
         * naming the brokers and the time budget.
         */
        <T> T await(KafkaFuture<T> future, String what) {
            try {
                return future.get(remainingMs(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw unreachable(what, e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof TimeoutException) {
                    throw unreachable(what, cause);
                }
                if (cause instanceof KafkaException kafkaException) {
                    throw kafkaException;
                }
                throw new KafkaException("Kafka brokers " + brokers + " failed " + what + ": " + cause, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while " + what, e);
            }
        }

        void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for Kafka topics", e);
            }
        }

        private TimeoutException unreachable(String what, Throwable cause) {
            return new TimeoutException("Kafka brokers " + brokers + " could not be reached within " + timeoutText()
                    + " (while " + what + ")", cause);
        }
    }
}
