package io.servingmonitor.bench;

import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.MachineStats;
import io.servingmonitor.topics.ModelInfo;
import io.servingmonitor.topics.ReferenceItem;
import java.util.List;

/**
 * ClearML-like writes of a benchmark fleet, as {@link ContainerEvent}s for the topic and as the
 * JSON bodies the SDK sends over HTTP. A status report is about 1 KB, like the SDK's: model
 * info, tags, a reference list and {@code machine_stats} with per-core CPU and per-GPU lists.
 * Values vary with the container and the report's sequence number, deterministically.
 */
public final class StatusReports {

    /** The company of every benchmark container (the one key pair of the bench's credentials). */
    public static final String COMPANY = "bench";
    /** Timeout of bench registrations: longer than any run, so nothing expires while it is measured. */
    public static final int REGISTER_TIMEOUT_SEC = 86_400;
    private static final int CPU_CORES = 16;
    private static final int GPUS = 2;

    private final FleetShape fleet;

    public StatusReports(FleetShape fleet) {
        this.fleet = fleet;
    }

    public FleetShape fleet() {
        return fleet;
    }

    public ContainerEvent register(int container, long timestampMs) {
        return new ContainerEvent(ContainerEventType.REGISTER, COMPANY, fleet.containerId(container), timestampMs,
                ip(container), REGISTER_TIMEOUT_SEC, model(container, fleet.url(container)), null);
    }

    /** A container still loading: registered without an endpoint url. */
    public ContainerEvent registerLoading(String containerId, long timestampMs) {
        return new ContainerEvent(ContainerEventType.REGISTER, COMPANY, containerId, timestampMs, "10.1.0.1",
                REGISTER_TIMEOUT_SEC, model(0, null), null);
    }

    /** The {@code sequence}-th status report of {@code container}. */
    public ContainerEvent report(int container, long sequence, long timestampMs) {
        return new ContainerEvent(ContainerEventType.STATUS_REPORT, COMPANY, fleet.containerId(container), timestampMs,
                ip(container), null, model(container, fleet.url(container)), load(container, sequence));
    }

    /** A registration of an extra container {@code containerId} on the url of fleet container {@code container}. */
    public ContainerEvent registerAs(String containerId, int container, long timestampMs) {
        return new ContainerEvent(ContainerEventType.REGISTER, COMPANY, containerId, timestampMs, ip(container),
                REGISTER_TIMEOUT_SEC, model(container, fleet.url(container)), null);
    }

    /** A status report of an extra container {@code containerId} on the url of fleet container {@code container}. */
    public ContainerEvent reportAs(String containerId, int container, long sequence, long timestampMs) {
        return new ContainerEvent(ContainerEventType.STATUS_REPORT, COMPANY, containerId, timestampMs, ip(container),
                null, model(container, fleet.url(container)), load(container, sequence));
    }

    private static String ip(int container) {
        return "10." + (container >> 16 & 0xff) + "." + (container >> 8 & 0xff) + "." + (container & 0xff);
    }

    private ModelInfo model(int container, String url) {
        int endpoint = fleet.urlIndex(container);
        return new ModelInfo(
                "bench-endpoint-" + endpoint,
                url,
                "resnet50-finetuned-" + endpoint % 97,
                "s3://models-bucket/projects/vision/resnet50/" + endpoint % 97 + "/model.pt",
                "1." + endpoint % 13 + ".0",
                "preprocess-v" + endpoint % 7,
                "image/jpeg",
                "224x224x3",
                List.of(new ReferenceItem("app_id", "app-" + endpoint % 1000),
                        new ReferenceItem("app_instance", "instance-" + container),
                        new ReferenceItem("model", "model-" + endpoint % 97),
                        new ReferenceItem("task", String.format("%032x", (long) endpoint * 2654435761L))),
                List.of("production", "vision", "region-eu-west-1", "tier-gpu"),
                List.of("serving", "triton"));
    }

    private static LoadReport load(int container, long sequence) {
        double phase = (container % 100) / 100.0 + (sequence % 10) / 10.0;
        Double[] cpu = new Double[CPU_CORES];
        for (int core = 0; core < CPU_CORES; core++) {
            cpu[core] = round(20 + 60 * ((phase + core * 0.07) % 1.0));
        }
        Double[] gpu = new Double[GPUS];
        Double[] gpuUsed = new Double[GPUS];
        Double[] gpuFree = new Double[GPUS];
        Double[] gpuTemp = new Double[GPUS];
        for (int g = 0; g < GPUS; g++) {
            gpu[g] = round(30 + 50 * ((phase + g * 0.3) % 1.0));
            gpuUsed[g] = round(8000 + 4000 * phase);
            gpuFree[g] = round(16000 - 4000 * phase);
            gpuTemp[g] = round(60 + 10 * phase);
        }
        MachineStats stats = new MachineStats(List.of(cpu), List.of(gpu), round(20000 + 5000 * phase),
                round(44000 - 5000 * phase), List.of(gpuFree), List.of(gpuUsed), round(1.5 + phase), round(0.4 + phase),
                round(120000 - phase), round(50000 - phase), round(2.5 * phase), round(1.5 * phase),
                List.of(round(55 + 5 * phase), round(56 + 5 * phase)), List.of(gpuTemp));
        return new LoadReport(3600 + sequence * 30, 1000 + sequence * 50, round(40 + 20 * phase),
                Math.round(15 + 10 * phase), stats);
    }

    private static Double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
