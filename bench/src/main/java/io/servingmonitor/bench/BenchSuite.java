package io.servingmonitor.bench;

import io.servingmonitor.embeddedkafka.EmbeddedKafkaBroker;
import io.servingmonitor.topics.TopicAdmin;
import io.servingmonitor.topics.TopicSettings;
import io.servingmonitor.topics.Topics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One bench run: Kafka (an embedded broker in a temporary directory, or the given cluster), the
 * topics, every chosen scenario in order, then the table printed and the report written. A
 * scenario that fails is named in the report's errors and the others still run.
 */
public final class BenchSuite {

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private BenchSuite() {
    }

    /** A scenario that failed in part: the figures it has, and what failed. */
    public static final class PartialFailure extends Exception {
        private final transient List<Figure> figures;

        public PartialFailure(List<Figure> figures, String message) {
            super(message);
            this.figures = List.copyOf(figures);
        }

        public List<Figure> figures() {
            return figures;
        }
    }

    /** A finished run: the report and the file it was written to. */
    public record Outcome(BenchReport report, Path file) {
    }

    public static Outcome run(BenchOptions options, String command, PrintStream out) throws Exception {
        long start = System.nanoTime();
        Instant startedAt = Instant.now();
        MachineInfo machine = MachineInfo.now();
        Path workDir = Files.createTempDirectory("serving-monitor-bench-");
        Optional<EmbeddedKafkaBroker> broker = Optional.empty();
        List<Figure> figures = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        BenchContext context = null;
        try {
            String bootstrap;
            if (options.bootstrapServers().isPresent()) {
                bootstrap = options.bootstrapServers().get();
            } else {
                broker = Optional.of(EmbeddedKafkaBroker.builder(workDir.resolve("kafka")).port(0).start());
                bootstrap = broker.get().bootstrapServers();
            }
            TopicAdmin.ensureTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    Topics.owned(new TopicSettings(TopicSettings.DEFAULT_PARTITIONS, (short) 1)), TOPIC_TIMEOUT);
            context = new BenchContext(bootstrap, workDir, options.sizes(), options.runs(), out);
            context.log("Kafka %s, work dir %s, %s", bootstrap, workDir, options);
            for (String scenario : options.scenarios()) {
                long scenarioStart = System.nanoTime();
                try {
                    figures.addAll(scenario(scenario, context));
                } catch (PartialFailure e) {
                    figures.addAll(e.figures());
                    errors.add(scenario + ": " + e.getMessage());
                    context.log("scenario %s failed in part: %s", scenario, e.getMessage());
                } catch (Exception | Error e) {
                    errors.add(scenario + ": " + e);
                    context.log("scenario %s failed: %s", scenario, e);
                    e.printStackTrace(out);
                }
                context.log("scenario %s took %.0f s", scenario, (System.nanoTime() - scenarioStart) / 1e9);
            }
        } finally {
            if (context != null) {
                context.close();
            }
            broker.ifPresent(EmbeddedKafkaBroker::close);
            BenchContext.deleteTree(workDir);
        }
        figures = withSustainedCeiling(figures);
        BenchReport report = new BenchReport(LocalDate.now(ZoneOffset.UTC).toString(), startedAt.toString(), command,
                machine, MachineInfo.currentLoadAverage(), options.runs(),
                options.sizes().describe().stream()
                        .filter(line -> options.scenarios().stream().anyMatch(name -> line.startsWith(name + ":")))
                        .toList(),
                figures, errors,
                (System.nanoTime() - start) / 1e9);
        Path file = report.write(options.outDir());
        out.println();
        out.print(ResultsTable.markdown(figures));
        errors.forEach(error -> out.println("FAILED " + error));
        out.println("written to " + file);
        return new Outcome(report, file);
    }

    private static List<Figure> scenario(String name, BenchContext context) throws Exception {
        return switch (name) {
            case ProcessingScenario.NAME -> new ProcessingScenario(context).run();
            case IngestScenario.NAME -> new IngestScenario(context).run();
            case ReadsScenario.NAME -> new ReadsScenario(context).run();
            case SustainedScenario.NAME -> new SustainedScenario(context).run();
            case ScaleOutScenario.NAME -> new ScaleOutScenario(context).run();
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        };
    }

    /** The sustained rate cannot pass what the topology drains: its ceiling is the same run's processing figure. */
    private static List<Figure> withSustainedCeiling(List<Figure> figures) {
        Optional<Figure> processing = figures.stream()
                .filter(f -> f.scenario().equals(ProcessingScenario.NAME))
                .findFirst();
        if (processing.isEmpty()) {
            return figures;
        }
        return figures.stream()
                .map(f -> f.scenario().equals(SustainedScenario.NAME) && f.unit().equals("reports/s")
                        ? f.withCeiling("topology drain rate of this run (" + processing.get().name() + ")",
                                processing.get().value().median())
                        : f)
                .toList();
    }
}
