package io.servingmonitor.launcher;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.servingmonitor.processor.SkippedRecords;
import io.servingmonitor.query.FleetSnapshot;
import java.util.function.Supplier;

/**
 * The process's operational metrics, served unauthenticated at {@code GET /metrics} in the
 * Prometheus text format: JVM (memory, GC, threads, classes) and process (CPU, uptime) from the
 * start, Kafka clients once {@link #bind bound}, every HTTP request ({@link HttpRequestMetrics}),
 * the accepted events ({@link CountingEventPublisher}) and the records Kafka Streams skipped
 * ({@link #bindSkippedRecords}) and the fleet gauges ({@link #bindFleet}).
 *
 * <p>Labels never carry customer data (companies, containers, urls): only action names, HTTP
 * statuses, ClearML subcodes, event types and Kafka's own client, thread, task, topic and store
 * names; except the fleet gauges, whose {@code company} and {@code url} labels are the point
 * (turned off with {@code --fleet-metrics-max-series 0}). Never a container id.
 *
 * <p>Each app has its own registry, never Micrometer's global one, so that several apps in
 * one JVM (the tests) do not mix their figures.
 */
final class OperationalMetrics implements AutoCloseable {

    static final String PATH = "/metrics";
    /** The Prometheus text exposition format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final String SKIPPED_RECORDS = "serving_monitor_records_skipped";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Null until {@link #bindFleet}. */
    private volatile FleetGauges fleet;
    // The only JVM binder holding a resource (GC notification listeners), released on close.
    private final JvmGcMetrics gc = new JvmGcMetrics();

    OperationalMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    /**
     * Binds {@code binder} (a Kafka client's metrics) to this registry and returns it; closing it
     * removes its meters and stops its refresh. Close it before the client it reads.
     */
    <B extends MeterBinder & AutoCloseable> B bind(B binder) {
        binder.bindTo(registry);
        return binder;
    }

    /**
     * Shows {@code skipped} as {@value #SKIPPED_RECORDS}{@code _total{reason="deserialization"|"processing"|"production"}}.
     */
    void bindSkippedRecords(SkippedRecords skipped) {
        for (SkippedRecords.Reason reason : SkippedRecords.Reason.values()) {
            FunctionCounter.builder(SKIPPED_RECORDS, skipped, s -> s.count(reason))
                    .description("records Kafka Streams skipped instead of stopping on them: unreadable input, "
                            + "a processor that threw, an output that could not be written")
                    .tag("reason", reason.label())
                    .register(registry);
        }
    }

    /**
     * Adds the fleet gauges ({@link FleetGauges}) read from {@code snapshot} (this node's local
     * active partitions), refreshed when scraped.
     */
    void bindFleet(Supplier<FleetSnapshot> snapshot) {
        fleet = new FleetGauges(registry, snapshot);
    }

    /** Adds {@code GET /metrics} and the timing of every request to {@code javalin}. */
    void install(JavalinConfig javalin) {
        HttpRequestMetrics requests = new HttpRequestMetrics(registry);
        javalin.requestLogger.http(requests::record);
        javalin.routes.get(PATH, this::scrape);
    }

    private void scrape(Context ctx) {
        FleetGauges gauges = fleet;
        if (gauges != null) {
            gauges.refresh();
        }
        ctx.contentType(CONTENT_TYPE).result(registry.scrape(CONTENT_TYPE));
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
