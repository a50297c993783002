package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml}, the {@code Dockerfile} and {@code deploy/} checked statically (no
 * Docker engine on the build machines): every image, path, port, command and variable they name
 * exists in the project and agrees with the launcher.
 */
class ComposeFileTest {

    private static final Path ROOT = repositoryRoot();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLFactory YAML = new YAMLFactory();

    /** Stands in for a variable without default (only the token secret may have none). */
    private static final String SET_BY_THE_OPERATOR = "a-token-secret-set-by-the-operator-0123456789";

    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern BARE_VARIABLE = Pattern.compile("(?<!\\$)\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern NGINX_LISTEN = Pattern.compile("\\blisten\\s+([^;\\s]+)[^;]*;");
    private static final Pattern NGINX_UPSTREAM = Pattern.compile("\\bupstream\\s+(\\S+)\\s*\\{([^}]*)}");
    private static final Pattern NGINX_SERVER = Pattern.compile("\\bserver\\s+([^\\s;:]+):(\\d+)[^;]*;");
    private static final Pattern NGINX_REGEX_LOCATION = Pattern.compile("\\blocation\\s+~\\s+(\\S+)\\s*\\{([^}]*)}");
    private static final Pattern NGINX_PROXY_PASS = Pattern.compile("\\bproxy_pass\\s+https?://([^\\s;/:]+)");

    private final JsonNode compose = readYaml(read("docker-compose.yml"));
    private final JsonNode services = compose.path("services");

    // ---- reading the file

    @Test
    void yamlReaderResolvesAnchorsAliasesAndMergeKeys() {
        JsonNode doc = readYaml(String.join("\n",
                "base: &base {a: 1, b: 2, nested: &nested {x: 1}}",
                "extra: &extra {c: 3, b: 30}",
                "child:",
                "  <<: [*base, *extra]",
                "  b: 20",
                "list: [*nested]"));

        assertThat(doc.get("child")).isEqualTo(JSON.valueToTree(Map.of("a", 1, "b", 20, "c", 3, "nested", Map.of("x", 1))));
        assertThat(doc.at("/list/0/x").asInt()).isEqualTo(1);
    }

    @Test
    void composeFileParsesAndEveryServiceSeesWhatItMerges() {
        assertThat(services.size()).isGreaterThanOrEqualTo(3);
        assertThat(keysNamed(compose, "<<")).as("merge keys left unresolved").isEmpty();
        for (String name : monitorServices()) {
            JsonNode service = services.get(name);
            assertThat(service.has("build")).as(name).isTrue();
            assertThat(service.path("command").isMissingNode()).as(name + " command").isFalse();
        }
        for (String name : fieldNames(services)) {
            for (JsonNode dependency : services.get(name).path("depends_on")) {
                assertThat(services.has(dependency.asText())).as(name + " depends on " + dependency).isTrue();
            }
        }
    }

    // ---- images, paths

    @Test
    void everyServiceHasAnImageOrABuildContextWithADockerfile() {
        for (String name : fieldNames(services)) {
            JsonNode service = services.get(name);
            JsonNode build = service.path("build");
            if (build.isMissingNode()) {
                assertThat(service.path("image").asText()).as(name + " image").isNotBlank();
                continue;
            }
            String context = build.isTextual() ? build.asText() : build.path("context").asText(".");
            String dockerfile = build.isObject() ? build.path("dockerfile").asText("Dockerfile") : "Dockerfile";
            Path contextDir = ROOT.resolve(context).normalize();
            assertThat(contextDir).as(name + " build context").isDirectory();
            assertThat(contextDir.resolve(dockerfile)).as(name + " Dockerfile").isRegularFile();
        }
    }

    @Test
    void everyHostPathMountedExistsInTheRepository() {
        Set<String> namedVolumes = fieldNames(compose.path("volumes"));
        for (String name : fieldNames(services)) {
            for (Mount mount : mounts(services.get(name))) {
                if (mount.isHostPath()) {
                    Path source = ROOT.resolve(mount.source()).normalize();
                    assertThat(source).as(name + " mounts " + mount.source()).startsWith(ROOT).exists();
                } else {
                    assertThat(namedVolumes).as(name + " uses volume " + mount.source()).contains(mount.source());
                }
            }
        }
    }

    // ---- the serving-monitor nodes

    @Test
    void everyNodeCommandIsARoleWithFlagsTheLauncherTakes() {
        assertThat(monitorServices()).isNotEmpty();
        for (String name : monitorServices()) {
            List<String> command = command(name);
            assertThat(LauncherCommand.ROLES).as(name + " runs a role").contains(command.get(0));
            assertThat(LauncherCommand.flagsOf(command.subList(1, command.size())))
                    .as(name + " flags").isSubsetOf(LauncherCommand.flags(command.get(0)));
            LauncherOptions options = launcherOptions(name);
            assertThat(options.tokenSecret()).as(name + " token secret from the environment").isPresent();
        }
    }

    @Test
    void nodesAreGivenOnlyEnvironmentVariablesTheLauncherReads() {
        for (String name : monitorServices()) {
            String role = command(name).get(0);
            assertThat(environment(services.get(name)).keySet()).as(name)
                    .isNotEmpty()
                    .allMatch(variable -> variable.startsWith(LauncherCommand.ENV_PREFIX), "a " + LauncherCommand.ENV_PREFIX + " variable")
                    .isSubsetOf(LauncherCommand.environmentVariables(role));
        }
    }

    @Test
    void twoIngestNodesAndThreeQueryNodesWithStandbysAndTheirOwnState() {
        assertThat(nodesOfRole("ingest")).as("ingest nodes").hasSize(2);
        assertThat(nodesOfRole("query")).as("query nodes").hasSize(3);
        assertThat(nodesOfRole("standalone")).as("standalone nodes in the scaled deployment").isEmpty();
        Set<String> applicationIds = new TreeSet<>();
        Set<String> stateVolumes = new TreeSet<>();
        for (String name : nodesOfRole("query")) {
            LauncherOptions options = launcherOptions(name);
            applicationIds.add(options.applicationId());
            assertThat(options.standbyReplicas()).as(name + " --standby-replicas").isGreaterThanOrEqualTo(1);
            Mount state = mounts(services.get(name)).stream()
                    .filter(m -> Path.of(m.target()).equals(options.dataDir().toAbsolutePath().normalize()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " mounts no volume at its --data-dir " + options.dataDir()));
            assertThat(state.isHostPath()).as(name + " state in a named volume").isFalse();
            stateVolumes.add(state.source());
        }
        assertThat(applicationIds).as("one application id for every query node").hasSize(1);
        assertThat(stateVolumes).as("a state volume of its own per query node").hasSize(3);
        Set<Integer> partitions = new TreeSet<>();
        monitorServices().forEach(name -> partitions.add(launcherOptions(name).topics().partitions()));
        assertThat(partitions).as("every node declares the same partitions").hasSize(1);
        assertThat(partitions.iterator().next()).as("partitions").isGreaterThanOrEqualTo(nodesOfRole("query").size());
    }

    @Test
    void nodesUseEveryComposeBrokerOnItsListenerPortAndTheirMountedCredentials() {
        for (String name : monitorServices()) {
            LauncherOptions options = launcherOptions(name);
            assertThat(options.bootstrapServers()).as(name + " runs against the compose Kafka").isPresent();
            List<String> brokers = List.of(options.bootstrapServers().orElseThrow().split(","));
            List<String> hosts = new ArrayList<>();
            for (String broker : brokers) {
                String host = broker.substring(0, broker.lastIndexOf(':'));
                int port = Integer.parseInt(broker.substring(broker.lastIndexOf(':') + 1));
                hosts.add(host);
                assertThat(services.has(host)).as(name + " bootstrap " + broker + " is a service").isTrue();
                Map<String, String> env = environment(services.get(host));
                assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).as(host + " advertises " + broker).contains("//" + broker);
                assertThat(listenerPort(env.get("KAFKA_LISTENERS"), "PLAINTEXT")).as(host + " listens on " + port).isEqualTo(port);
            }
            assertThat(hosts).as(name + " bootstrap servers").containsExactlyInAnyOrderElementsOf(brokerServices());
            assertThat((int) options.topics().replicationFactor()).as(name + " --replication-factor").isEqualTo(3);
            assertThat(options.credentials()).as(name + " credentials").isPresent();
            assertThat(mounts(services.get(name))).extracting(Mount::target).as(name + " mounts its credentials")
                    .contains(options.credentials().orElseThrow().toString());
        }
    }

    @Test
    void everyNodeThatRunsStreamsAdvertisesItsServiceName() {
        for (String name : monitorServices()) {
            String role = command(name).get(0);
            LauncherOptions options = launcherOptions(name);
            assertThat(options.host()).as(name + " listens on every interface of its container").isEqualTo("0.0.0.0");
            if (LauncherCommand.runsStreams(role)) {
                assertThat(options.advertisedHost()).as(name + " is reachable by its peers under its service name")
                        .isEqualTo(name);
            }
        }
    }

    @Test
    void everyInterpolationHasADefaultOrIsTheTokenSecret() {
        String text = withoutComments(read("docker-compose.yml"));
        List<String> found = new ArrayList<>();
        Matcher m = INTERPOLATION.matcher(text);
        while (m.find()) {
            Interpolation interpolation = Interpolation.parse(m.group(1));
            found.add(interpolation.variable());
            if (interpolation.variable().equals(LauncherOptions.TOKEN_SECRET_ENV)) {
                assertThat(interpolation.required()).as("${%s}: compose refuses to start without the token secret "
                        + "(a default would be a secret everyone knows)", m.group(1)).isTrue();
            } else {
                assertThat(interpolation.fallback()).as("${%s} needs a default", m.group(1)).isNotNull();
            }
        }
        assertThat(found).as("the token secret is passed through").contains(LauncherOptions.TOKEN_SECRET_ENV);
        Matcher bare = BARE_VARIABLE.matcher(text.replace("$$", ""));
        assertThat(bare.find()).as("a $VAR without braces or default").isFalse();
    }

    // ---- the Kafka cluster

    @Test
    void threeKraftBrokersOfTheProjectsKafkaVersionReplicateEveryTopicThreeTimesWithTwoInSync() {
        List<String> brokers = brokerServices();
        assertThat(brokers).as("brokers").hasSize(3);
        String kafkaVersion = single(Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>"), read("pom.xml"));
        Set<String> voters = new TreeSet<>();
        Set<String> clusterIds = new TreeSet<>();
        Set<String> nodeIds = new TreeSet<>();
        for (String name : brokers) {
            JsonNode service = services.get(name);
            assertThat(service.path("image").asText()).as(name + " image").isEqualTo("apache/kafka:" + kafkaVersion);
            Map<String, String> env = environment(service);
            assertThat(env.get("KAFKA_PROCESS_ROLES")).as(name + " KRaft roles").isEqualTo("broker,controller");
            assertThat(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR")).as(name).isEqualTo("3");
            assertThat(env.get("KAFKA_MIN_INSYNC_REPLICAS")).as(name).isEqualTo("2");
            assertThat(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).as(name).isEqualTo("3");
            assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")).as(name).isEqualTo("3");
            assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")).as(name).isEqualTo("2");
            assertThat(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).as(name + ": the service creates its topics").isEqualTo("false");
            voters.add(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
            clusterIds.add(env.get("CLUSTER_ID"));
            nodeIds.add(env.get("KAFKA_NODE_ID"));
            assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).as(name + " is a voter on its controller port")
                    .contains(env.get("KAFKA_NODE_ID") + "@" + name + ":" + listenerPort(env.get("KAFKA_LISTENERS"), "CONTROLLER"));
            Mount data = mounts(service).stream().filter(m -> m.target().equals(env.get("KAFKA_LOG_DIRS"))).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " keeps its log in a volume at KAFKA_LOG_DIRS"));
            assertThat(data.isHostPath()).as(name + " log in a named volume").isFalse();
        }
        assertThat(voters).as("one quorum").hasSize(1);
        assertThat(voters.iterator().next().split(",")).as("every broker votes").hasSize(brokers.size());
        assertThat(nodeIds).as("node ids").hasSize(brokers.size());
        assertThat(clusterIds).as("one cluster id").hasSize(1);
        // kafka-storage format takes a UUID in base64url: 16 bytes, 22 characters without padding
        assertThat(java.util.Base64.getUrlDecoder().decode(clusterIds.iterator().next())).as("CLUSTER_ID").hasSize(16);
    }

    // ---- the front proxy

    @Test
    void onlyTheFrontPublishesAPortAndItIsTheOneNginxListensOn() {
        String front = frontService();
        Set<Integer> published = new TreeSet<>();
        for (JsonNode port : services.get(front).path("ports")) {
            published.add(containerPort(port));
        }
        assertThat(published).as(front + " publishes").isNotEmpty().isEqualTo(nginxListenPorts());
        for (String name : fieldNames(services)) {
            if (!name.equals(front)) {
                assertThat(services.get(name).path("ports").isMissingNode()).as(name + " publishes no port").isTrue();
            }
        }
    }

    @Test
    void theIngestUpstreamIsTheIngestNodesAndTheQueryUpstreamTheQueryNodesOnTheirPorts() {
        Map<String, List<String>> upstreams = nginxUpstreams();
        assertThat(upstreams.keySet()).as("nginx upstreams").containsExactlyInAnyOrder("ingest", "query");
        assertThat(upstreams.get("ingest")).containsExactlyInAnyOrderElementsOf(nodesOfRole("ingest"));
        assertThat(upstreams.get("query")).containsExactlyInAnyOrderElementsOf(nodesOfRole("query"));
        String nginx = withoutComments(read("deploy/nginx.conf"));
        Matcher server = NGINX_SERVER.matcher(nginx);
        while (server.find()) {
            assertThat(launcherOptions(server.group(1)).port()).as(server.group(1) + " --port").isEqualTo(Integer.parseInt(server.group(2)));
        }
        Matcher proxyPass = NGINX_PROXY_PASS.matcher(nginx);
        assertThat(proxyPass.find()).as("nginx proxies somewhere").isTrue();
        do {
            assertThat(upstreams).as("proxy_pass target").containsKey(proxyPass.group(1));
        } while (proxyPass.find());
        Matcher ingest = Pattern.compile("\\bupstream\\s+ingest\\s*\\{([^}]*)}").matcher(nginx);
        assertThat(ingest.find()).as("upstream ingest").isTrue();
        assertThat(ingest.group(1)).as("writes resent with an Idempotency-Key reach the same ingest node")
                .contains("hash $http_idempotency_key consistent;");
    }

    @Test
    void nginxSendsEveryWriteActionToIngestAndNoReadAction() {
        String nginx = withoutComments(read("deploy/nginx.conf"));
        List<Pattern> toIngest = new ArrayList<>();
        Matcher location = NGINX_REGEX_LOCATION.matcher(nginx);
        while (location.find()) {
            if (location.group(2).contains("proxy_pass http://ingest;")) {
                toIngest.add(Pattern.compile(location.group(1)));
            }
        }
        assertThat(toIngest).as("regular-expression locations proxied to ingest").isNotEmpty();
        for (String action : LauncherCommand.writeActions()) {
            for (String path : List.of("/" + action, "/v2.31/" + action, "/v999.0/" + action, "/" + action + "/")) {
                assertThat(toIngest).as(path + " goes to ingest").anyMatch(p -> p.matcher(path).find());
            }
        }
        for (String action : LauncherCommand.readActions()) {
            for (String path : List.of("/" + action, "/v2.31/" + action, "/" + action + "/")) {
                assertThat(toIngest).as(path + " does not go to ingest").noneMatch(p -> p.matcher(path).find());
            }
        }
        assertThat(nginx).as("anything else goes to query").containsPattern("location / \\{\\s*proxy_pass http://query;");
    }

    @Test
    void theFrontImageKnowsTheUpstreamResolveFlag() {
        String nginx = withoutComments(read("deploy/nginx.conf"));
        if (!Pattern.compile("\\bserver\\s+\\S+[^;]*\\bresolve\\b").matcher(nginx).find()) {
            return;
        }
        String image = services.get(frontService()).path("image").asText();
        Matcher tag = Pattern.compile("nginx:(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:-\\S+)?").matcher(image);
        assertThat(tag.matches()).as("front image " + image + " is nginx with a version tag").isTrue();
        // open-source nginx takes "server ... resolve" from 1.27.3; a tag without patch is that line's newest
        int[] version = {Integer.parseInt(tag.group(1)), Integer.parseInt(tag.group(2)),
                tag.group(3) == null ? Integer.MAX_VALUE : Integer.parseInt(tag.group(3))};
        assertThat(java.util.Arrays.compare(version, new int[] {1, 27, 3})).as(image + " is nginx 1.27.3 or later")
                .isGreaterThanOrEqualTo(0);
    }

    @Test
    void nginxConfigIsMountedWhereNginxReadsIt() {
        assertThat(mounts(services.get(frontService())))
                .anyMatch(m -> m.source().endsWith("deploy/nginx.conf") && m.target().equals("/etc/nginx/nginx.conf"));
    }

    // ---- the Dockerfile

    @Test
    void dockerfileRunsTheJarTheLauncherModuleBuilds() {
        String pom = read("launcher/pom.xml");
        String jarName = single(Pattern.compile("<finalName>([^<]+)</finalName>"), pom) + ".jar";
        String classpathPrefix = single(Pattern.compile("<classpathPrefix>([^<]+)</classpathPrefix>"), pom);
        List<Stage> stages = dockerStages(read("Dockerfile"));
        Stage run = stages.get(stages.size() - 1);

        List<String> command = new ArrayList<>(run.entrypoint());
        command.addAll(run.cmd());
        int jarFlag = command.indexOf("-jar");
        assertThat(command.get(0)).isEqualTo("java");
        assertThat(jarFlag).as("runs java -jar: " + command).isPositive();
        Path jar = run.workdir().resolve(command.get(jarFlag + 1)).normalize();
        assertThat(jar.getFileName().toString()).isEqualTo(jarName);

        Copy jarCopy = run.copies().stream().filter(c -> c.destination(run).equals(jar)).findFirst()
                .orElseThrow(() -> new AssertionError("no COPY puts " + jar + " in the image"));
        Stage build = stages.stream().filter(s -> s.name().equals(jarCopy.fromStage())).findFirst()
                .orElseThrow(() -> new AssertionError("no build stage " + jarCopy.fromStage()));
        Path repository = build.copies().stream().filter(c -> c.source().equals(".") && c.fromStage() == null)
                .map(c -> c.destination(build)).findFirst()
                .orElseThrow(() -> new AssertionError("the build stage does not copy the repository"));
        assertThat(Path.of(jarCopy.source())).isEqualTo(repository.resolve("launcher/target").resolve(jarName));
        Path lib = jar.resolveSibling(classpathPrefix).normalize();
        assertThat(run.copies()).as("the jar's Class-Path dependencies beside it in " + lib)
                .anyMatch(c -> Path.of(c.source()).equals(repository.resolve("launcher/target/lib")) && c.destination(run).equals(lib));

        List<String> arguments = command.subList(jarFlag + 2, command.size());
        assertThat(arguments).first().isEqualTo("standalone");
        LauncherOptions options = LauncherOptions.parse(arguments.subList(1, arguments.size()), Map.of());
        assertThat(run.exposed()).as("EXPOSE the port the image's default command listens on").contains(options.port());
        assertThat(run.volumes()).as("the default command's --data-dir is a VOLUME")
                .contains(options.dataDir().toAbsolutePath().normalize().toString());
    }

    @Test
    void theImageRunsAsAUserOtherThanRootAndEveryQueryNodeKeepsItsStateInTheImagesVolume() {
        List<Stage> stages = dockerStages(read("Dockerfile"));
        Stage run = stages.get(stages.size() - 1);
        assertThat(run.user()).as("USER of the runtime stage").isNotBlank().isNotIn("root", "0", "0:0");
        for (String name : nodesOfRole("query")) {
            assertThat(run.volumes()).as(name + " --data-dir is the image's VOLUME")
                    .contains(launcherOptions(name).dataDir().toAbsolutePath().normalize().toString());
        }
    }

    @Test
    void everyBuiltServiceUsesTheOneServiceImageAndTheOtherImagesArePlainDockerHubNames() {
        Set<String> dockerfiles = new TreeSet<>();
        for (String name : monitorServices()) {
            JsonNode build = services.get(name).path("build");
            String context = build.isTextual() ? build.asText() : build.path("context").asText(".");
            String dockerfile = build.isObject() ? build.path("dockerfile").asText("Dockerfile") : "Dockerfile";
            dockerfiles.add(ROOT.resolve(context).resolve(dockerfile).normalize().toString());
        }
        assertThat(dockerfiles).as("one Dockerfile for every serving-monitor node").hasSize(1);
        List<String> images = new ArrayList<>();
        fieldNames(services).forEach(name -> images.add(services.get(name).path("image").asText("")));
        Matcher from = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(withoutComments(read("Dockerfile")));
        while (from.find()) {
            images.add(from.group(1));
        }
        for (String image : images) {
            if (!image.isEmpty()) {
                // name[:tag], no registry host (a first path part with a dot or a port) and a pinned tag
                assertThat(image).as("image " + image).matches("[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)?:[A-Za-z0-9._-]+")
                        .doesNotContain("latest");
            }
        }
    }

    // ---- compose helpers

    /** The services built from this repository: the serving-monitor nodes. */
    private List<String> monitorServices() {
        return fieldNames(services).stream().filter(name -> services.get(name).has("build")).toList();
    }

    /** The serving-monitor nodes whose command runs {@code role}. */
    private List<String> nodesOfRole(String role) {
        return monitorServices().stream().filter(name -> command(name).get(0).equals(role)).toList();
    }

    /** The Kafka brokers: the services of the {@code apache/kafka} image. */
    private List<String> brokerServices() {
        return fieldNames(services).stream()
                .filter(name -> services.get(name).path("image").asText().startsWith("apache/kafka:")).toList();
    }

    /** The port of listener {@code name} in a {@code KAFKA_LISTENERS} value such as {@code PLAINTEXT://:9092,CONTROLLER://:9093}. */
    private static int listenerPort(String listeners, String name) {
        assertThat(listeners).as("KAFKA_LISTENERS").isNotNull();
        for (String listener : listeners.split(",")) {
            if (listener.startsWith(name + "://")) {
                return Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1));
            }
        }
        throw new AssertionError("no listener " + name + " in " + listeners);
    }

    /** Each nginx upstream with the host names of its servers. */
    private Map<String, List<String>> nginxUpstreams() {
        Map<String, List<String>> upstreams = new LinkedHashMap<>();
        Matcher upstream = NGINX_UPSTREAM.matcher(withoutComments(read("deploy/nginx.conf")));
        while (upstream.find()) {
            List<String> servers = new ArrayList<>();
            Matcher server = NGINX_SERVER.matcher(upstream.group(2));
            while (server.find()) {
                servers.add(server.group(1));
            }
            assertThat(servers).as("upstream " + upstream.group(1)).isNotEmpty();
            upstreams.put(upstream.group(1), servers);
        }
        return upstreams;
    }

    /** The service that mounts the nginx config. */
    private String frontService() {
        List<String> fronts = fieldNames(services).stream()
                .filter(name -> mounts(services.get(name)).stream().anyMatch(m -> m.source().endsWith("deploy/nginx.conf")))
                .toList();
        assertThat(fronts).as("services mounting deploy/nginx.conf").hasSize(1);
        return fronts.get(0);
    }

    /** A node's command, interpolated as compose would by default. */
    private List<String> command(String service) {
        JsonNode command = services.get(service).path("command");
        List<String> args = new ArrayList<>();
        if (command.isTextual()) {
            args.addAll(List.of(interpolate(command.asText()).trim().split("\\s+")));
        } else {
            command.forEach(arg -> args.add(interpolate(arg.asText())));
        }
        assertThat(args).as(service + " command").isNotEmpty();
        return args;
    }

    /** The options a node starts with: its command and environment, as the launcher parses them. */
    private LauncherOptions launcherOptions(String service) {
        try {
            return LauncherCommand.parse(command(service), environment(services.get(service)));
        } catch (IllegalArgumentException e) {
            throw new AssertionError(service + ": the launcher refuses its command or environment: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode environment = service.path("environment");
        if (environment.isArray()) {
            for (JsonNode entry : environment) {
                String[] pair = entry.asText().split("=", 2);
                env.put(pair[0], pair.length == 2 ? interpolate(pair[1]) : "");
            }
        } else {
            environment.fields().forEachRemaining(e -> env.put(e.getKey(), interpolate(e.getValue().asText())));
        }
        return env;
    }

    /** Compose interpolation with nothing set in the shell: defaults apply, what has none is the operator's. */
    private static String interpolate(String value) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Interpolation interpolation = Interpolation.parse(m.group(1));
            String replacement = interpolation.fallback() != null ? interpolation.fallback() : SET_BY_THE_OPERATOR;
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * One {@code ${...}}: {@code VAR}, {@code VAR:-default} / {@code VAR-default} (a fallback),
     * {@code VAR:?message} / {@code VAR?message} (required: compose stops with the message).
     */
    private record Interpolation(String variable, String fallback, boolean required) {
        private static final Pattern FORM = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])(.*))?", Pattern.DOTALL);

        static Interpolation parse(String expression) {
            Matcher m = FORM.matcher(expression);
            assertThat(m.matches()).as("${" + expression + "} is a compose interpolation").isTrue();
            String operator = m.group(3);
            if (operator == null) {
                return new Interpolation(m.group(1), null, false);
            }
            assertThat(operator).as("${" + expression + "}: ${VAR:+...} is not used").isNotEqualTo("+");
            return operator.equals("-") ? new Interpolation(m.group(1), m.group(4), false)
                    : new Interpolation(m.group(1), null, true);
        }
    }

    private record Mount(String source, String target) {
        boolean isHostPath() {
            return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
        }
    }

    private static List<Mount> mounts(JsonNode service) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode volume : service.path("volumes")) {
            if (volume.isTextual()) {
                String[] parts = volume.asText().split(":");
                mounts.add(new Mount(parts[0], parts.length > 1 ? parts[1] : parts[0]));
            } else {
                mounts.add(new Mount(volume.path("source").asText(), volume.path("target").asText()));
            }
        }
        return mounts;
    }

    /** The container side of a {@code ports} entry: "8008", "8008:8008", "0.0.0.0:80:8008/tcp" or long syntax. */
    private static int containerPort(JsonNode port) {
        if (port.isObject()) {
            return port.path("target").asInt();
        }
        String text = port.asText();
        String container = text.substring(text.lastIndexOf(':') + 1);
        return Integer.parseInt(container.replaceAll("/.*", ""));
    }

    private Set<Integer> nginxListenPorts() {
        Set<Integer> ports = new TreeSet<>();
        Matcher m = NGINX_LISTEN.matcher(withoutComments(read("deploy/nginx.conf")));
        while (m.find()) {
            String address = m.group(1);
            ports.add(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
        }
        return ports;
    }

    // ---- Dockerfile helpers

    private record Copy(String fromStage, String source, String destination) {
        /** Where the copy lands, resolved against the stage's working directory. */
        Path destination(Stage stage) {
            Path to = stage.workdir().resolve(destination);
            return destination.endsWith("/") && !source.equals(".") ? to.resolve(Path.of(source).getFileName()) : to.normalize();
        }
    }

    private record Stage(String name, Path workdir, List<Copy> copies, List<String> entrypoint, List<String> cmd,
                         List<Integer> exposed, String user, List<String> volumes) {
    }

    /** The stages of a Dockerfile with what these checks need (continuation lines joined). */
    private static List<Stage> dockerStages(String dockerfile) {
        List<Stage> stages = new ArrayList<>();
        String name = null;
        Path workdir = Path.of("/");
        List<Copy> copies = new ArrayList<>();
        List<String> entrypoint = List.of();
        List<String> cmd = List.of();
        List<Integer> exposed = new ArrayList<>();
        String user = null;
        List<String> volumes = new ArrayList<>();
        for (String line : withoutComments(dockerfile).replace("\\\n", " ").split("\n")) {
            String[] words = line.trim().split("\\s+", 2);
            if (words[0].isEmpty()) {
                continue;
            }
            String instruction = words[0].toUpperCase();
            String rest = words.length > 1 ? words[1].trim() : "";
            switch (instruction) {
                case "FROM" -> {
                    if (name != null) {
                        stages.add(new Stage(name, workdir, copies, entrypoint, cmd, exposed, user, volumes));
                    }
                    String[] from = rest.split("\\s+");
                    name = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : "stage-" + stages.size();
                    workdir = Path.of("/");
                    copies = new ArrayList<>();
                    entrypoint = List.of();
                    cmd = List.of();
                    exposed = new ArrayList<>();
                    user = null;
                    volumes = new ArrayList<>();
                }
                case "USER" -> user = rest;
                case "VOLUME" -> volumes.addAll(rest.startsWith("[") ? execForm(rest) : List.of(rest.split("\\s+")));
                case "WORKDIR" -> workdir = workdir.resolve(rest);
                case "COPY" -> {
                    List<String> parts = new ArrayList<>(List.of(rest.split("\\s+")));
                    String fromStage = null;
                    for (Iterator<String> it = parts.iterator(); it.hasNext(); ) {
                        String part = it.next();
                        if (part.startsWith("--from=")) {
                            fromStage = part.substring("--from=".length());
                        }
                        if (part.startsWith("--")) {
                            it.remove();
                        }
                    }
                    assertThat(parts).as("COPY " + rest).hasSize(2);
                    copies.add(new Copy(fromStage, parts.get(0), parts.get(1)));
                }
                case "ENTRYPOINT" -> entrypoint = execForm(rest);
                case "CMD" -> cmd = execForm(rest);
                case "EXPOSE" -> {
                    for (String port : rest.split("\\s+")) {
                        exposed.add(Integer.parseInt(port.replaceAll("/.*", "")));
                    }
                }
                default -> {
                    // RUN, ENV, LABEL...: not needed here.
                }
            }
        }
        assertThat(name).as("a FROM in the Dockerfile").isNotNull();
        stages.add(new Stage(name, workdir, copies, entrypoint, cmd, exposed, user, volumes));
        return stages;
    }

    private static List<String> execForm(String value) {
        if (!value.startsWith("[")) {
            return List.of(value.split("\\s+"));
        }
        try {
            List<String> list = new ArrayList<>();
            JSON.readTree(value).forEach(item -> list.add(item.asText()));
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException("not an exec-form JSON array: " + value, e);
        }
    }

    // ---- YAML with anchors and merge keys

    /**
     * Reads YAML into a tree, resolving anchors, aliases and merge keys ({@code <<: *base}).
     * Jackson's YAML parser reports an alias as a string holding the anchor's name and keeps
     * {@code <<} as an ordinary key, so both are resolved here, as Compose does: a mapping's own
     * keys win over merged ones, and of several merged mappings the earlier wins.
     */
    static JsonNode readYaml(String yaml) {
        try (YAMLParser parser = YAML.createParser(yaml)) {
            parser.nextToken();
            return yamlNode(parser, new HashMap<>());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode yamlNode(YAMLParser parser, Map<String, JsonNode> anchors) throws IOException {
        String anchor = parser.getObjectId();
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonNode node = switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode own = nodes.objectNode();
                List<JsonNode> merged = new ArrayList<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    JsonNode value = yamlNode(parser, anchors);
                    if (field.equals("<<")) {
                        if (value.isArray()) {
                            value.forEach(merged::add);
                        } else {
                            merged.add(value);
                        }
                    } else {
                        own.set(field, value);
                    }
                }
                ObjectNode result = nodes.objectNode();
                for (JsonNode source : merged) {
                    assertThat(source.isObject()).as("a merge key takes mappings").isTrue();
                    source.fields().forEachRemaining(e -> {
                        if (!result.has(e.getKey())) {
                            result.set(e.getKey(), e.getValue().deepCopy());
                        }
                    });
                }
                result.setAll(own);
                yield result;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(yamlNode(parser, anchors));
                }
                yield array;
            }
            case VALUE_STRING -> {
                if (parser.isCurrentAlias()) {
                    JsonNode target = anchors.get(parser.getText());
                    assertThat(target).as("anchor &" + parser.getText() + " defined before its alias").isNotNull();
                    yield target.deepCopy();
                }
                yield nodes.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> nodes.numberNode(parser.getIntValue());
                case LONG -> nodes.numberNode(parser.getLongValue());
                default -> nodes.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(parser.getDoubleValue());
            case VALUE_TRUE, VALUE_FALSE -> nodes.booleanNode(parser.getBooleanValue());
            case VALUE_NULL -> nodes.nullNode();
            default -> throw new IllegalStateException("unexpected YAML token " + parser.currentToken());
        };
        if (anchor != null) {
            anchors.put(anchor, node);
        }
        return node;
    }

    // ---- general helpers

    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("launcher/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (with docker-compose.yml and launcher/pom.xml) above "
                + Path.of("").toAbsolutePath());
    }

    private static String read(String relative) {
        try {
            return Files.readString(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text with {@code #} comments removed (compose, nginx and Dockerfile all use them). */
    private static String withoutComments(String text) {
        return text.replaceAll("(?m)(^|\\s)#.*$", "$1");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> keysNamed(JsonNode node, String key) {
        List<String> found = new ArrayList<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals(key)) {
                    found.add(key);
                }
                found.addAll(keysNamed(e.getValue(), key));
            });
        } else if (node.isArray()) {
            node.forEach(item -> found.addAll(keysNamed(item, key)));
        }
        return found;
    }

    private static String single(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as(pattern.pattern()).isTrue();
        return m.group(1);
    }
}
