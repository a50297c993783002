package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.testkafka.KafkaFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances of one application on a real broker, two in zone {@code a} and one in zone
 * {@code b}, with one standby per task: with {@code --zone} the standby of every task active in
 * zone a is on the zone-b instance (and that of a task active in zone b in zone a), where Kafka
 * Streams' default assignment, balancing standbys over the instances, puts some of them on the
 * other zone-a instance (the control case, without {@code --zone}).
 */
@Timeout(240)
class RackAwareStandbysTest {

    @RegisterExtension
    static final KafkaFixture KAFKA = new KafkaFixture();

    private static final Duration SETTLE = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    private final List<StandaloneApp> apps = new ArrayList<>();

    @AfterEach
    void tearDown() {
        apps.forEach(StandaloneApp::close);
    }

    @Test
    void withZonesTheStandbyOfEveryTaskIsInTheOtherZone() throws Exception {
        Map<StandaloneApp, String> zones = startThree(true);

        Map<TaskId, Placement> placements = awaitOneActiveAndOneStandbyPerTask(zones);

        assertThat(placements.values()).as("%s", placements).allSatisfy(placement ->
                assertThat(placement.standbyZone()).isNotEqualTo(placement.activeZone()));
        assertThat(placements.values()).as("tasks are active in both zones")
                .extracting(Placement::activeZone).contains("a", "b");
    }

    @Test
    void withoutZonesSomeStandbyOfATaskActiveOnAZoneAInstanceIsOnTheOtherOne() throws Exception {
        Map<StandaloneApp, String> zones = startThree(false);

        Map<TaskId, Placement> placements = awaitOneActiveAndOneStandbyPerTask(zones);

        assertThat(placements.values()).as("%s", placements).anySatisfy(placement -> {
            assertThat(placement.activeZone()).isEqualTo("a");
            assertThat(placement.standbyZone()).isEqualTo("a");
        });
    }

    /** Where a task's active and standby copies are: the zones of their instances. */
    private record Placement(String activeZone, String standbyZone) {
    }

    /** Starts a1, a2 and b (with {@code --zone} when {@code tagged}); returns each with the zone it stands for. */
    private Map<StandaloneApp, String> startThree(boolean tagged) throws Exception {
        Path credentials = tmp.resolve("credentials");
        Files.writeString(credentials, "rack-co:rack-key:rack-secret\n");
        String applicationId = KAFKA.uniqueName(tagged ? "rack-zones" : "rack-control");
        Map<StandaloneApp, String> zones = new HashMap<>();
        for (String name : List.of("a1", "a2", "b")) {
            String zone = name.substring(0, 1);
            List<String> flags = new ArrayList<>(List.of("--standby-replicas", "1", "--stream-threads", "1"));
            if (tagged) {
                flags.addAll(List.of("--zone", zone));
            }
            StandaloneApp app = TestApps.start(KAFKA, tmp.resolve(name), credentials, applicationId,
                    new PrintStream(new ByteArrayOutputStream()), flags.toArray(String[]::new));
            apps.add(app);
            zones.put(app, zone);
        }
        return zones;
    }

    /**
     * Waits until every instance is RUNNING and every task has exactly one active and exactly one
     * standby copy, none on the same instance; returns where each task's copies are.
     */
    private static Map<TaskId, Placement> awaitOneActiveAndOneStandbyPerTask(Map<StandaloneApp, String> zones)
            throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Map<TaskId, List<StandaloneApp>> actives = new TreeMap<>();
        Map<TaskId, List<StandaloneApp>> standbys = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            actives.clear();
            standbys.clear();
            boolean running = true;
            for (StandaloneApp app : zones.keySet()) {
                KafkaStreams streams = app.streamsRunner().streams();
                running &= streams.state() == KafkaStreams.State.RUNNING;
                for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                    thread.activeTasks().forEach(t -> actives.computeIfAbsent(t.taskId(), k -> new ArrayList<>()).add(app));
                    thread.standbyTasks().forEach(t -> standbys.computeIfAbsent(t.taskId(), k -> new ArrayList<>()).add(app));
                }
            }
            if (running && settled(actives, standbys)) {
                Map<TaskId, Placement> placements = new TreeMap<>();
                actives.forEach((task, where) -> placements.put(task,
                        new Placement(zones.get(where.get(0)), zones.get(standbys.get(task).get(0)))));
                return placements;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no stable assignment with one active and one standby per task within " + SETTLE
                + "; actives " + actives.keySet() + ", standbys " + standbys);
    }

    private static boolean settled(Map<TaskId, List<StandaloneApp>> actives, Map<TaskId, List<StandaloneApp>> standbys) {
        Set<TaskId> tasks = actives.keySet();
        // Every stateful task of the topology (both subtopologies, every partition) and only those.
        return !tasks.isEmpty() && tasks.stream().map(TaskId::subtopology).distinct().count() == 2
                && tasks.equals(standbys.keySet())
                && tasks.stream().allMatch(task -> actives.get(task).size() == 1 && standbys.get(task).size() == 1
                        && actives.get(task).get(0) != standbys.get(task).get(0));
    }
}
