package io.servingmonitor.processor;

import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.ContainerKey;
import io.servingmonitor.topics.EndpointKey;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.ModelInfo;
import java.time.Duration;
import java.time.Instant;

/** Fixture builders for container events at fixed instants; one company unless told otherwise. */
public final class Events {

    /** A fixed instant aligned to every window size used in the tests (a whole hour). */
    public static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    public static final String COMPANY = "acme";
    public static final String IP = "10.0.0.7";
    public static final String URL_A = "https://serve.example/a";
    public static final String URL_B = "https://serve.example/b";

    private Events() {
    }

    public static Instant at(long secondsAfterT0) {
        return T0.plusSeconds(secondsAfterT0);
    }

    public static long ms(Instant instant) {
        return instant.toEpochMilli();
    }

    public static ContainerKey key(String containerId) {
        return new ContainerKey(COMPANY, containerId);
    }

    public static EndpointKey endpoint(String url) {
        return new EndpointKey(COMPANY, url);
    }

    public static ModelInfo model(String url) {
        return model("endpoint-1", url, "model-1");
    }

    public static ModelInfo model(String endpointName, String url, String modelName) {
        return new ModelInfo(endpointName, url, modelName, "s3://models/" + modelName, "1", null, "json", "128",
                null, null, null);
    }

    public static ContainerEvent register(String containerId, String url, Instant at) {
        return register(COMPANY, containerId, url, at, null);
    }

    public static ContainerEvent register(String containerId, String url, Instant at, Integer timeoutSec) {
        return register(COMPANY, containerId, url, at, timeoutSec);
    }

    public static ContainerEvent register(String company, String containerId, String url, Instant at, Integer timeoutSec) {
        return new ContainerEvent(ContainerEventType.REGISTER, company, containerId, ms(at), IP, timeoutSec, model(url), null);
    }

    public static ContainerEvent report(String containerId, String url, Instant at, LoadReport load) {
        return report(COMPANY, containerId, url, at, load);
    }

    public static ContainerEvent report(String company, String containerId, String url, Instant at, LoadReport load) {
        return new ContainerEvent(ContainerEventType.STATUS_REPORT, company, containerId, ms(at), IP, null, model(url), load);
    }

    public static ContainerEvent report(String containerId, String url, Instant at) {
        return report(containerId, url, at, requests(1));
    }

    public static ContainerEvent unregister(String containerId, Instant at) {
        return new ContainerEvent(ContainerEventType.UNREGISTER, COMPANY, containerId, ms(at), IP, null, null, null);
    }

    /** A load report with only the cumulative request counter. */
    public static LoadReport requests(long requestsNum) {
        return new LoadReport(60L, requestsNum, null, null, null);
    }

    /** A load report with the figures that {@code get_endpoints} reads. */
    public static LoadReport load(long uptimeSec, long requestsNum, double requestsMin, long latencyMs) {
        return new LoadReport(uptimeSec, requestsNum, requestsMin, latencyMs, null);
    }

    public static LoadReport load(long requestsNum, double requestsMin, long latencyMs, MachineStats stats) {
        return new LoadReport(60L, requestsNum, requestsMin, latencyMs, stats);
    }

    public static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}
