package io.servingmonitor.ingest;

import io.servingmonitor.api.ActionDefinition;
import io.servingmonitor.api.ActionRequest;
import io.servingmonitor.api.RequestBody;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.ModelInfo;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The ClearML serving write actions. Each valid call becomes exactly one {@link ContainerEvent}
 * (company from the credentials, timestamp from the clock, the caller's ip), and is answered
 * {@code {}} only once the {@link EventPublisher} has made it durable. An invalid call is refused
 * before anything is published.
 */
public final class IngestActions {

    public static final String REGISTER_CONTAINER = "serving.register_container";
    public static final String CONTAINER_STATUS_REPORT = "serving.container_status_report";
    public static final String UNREGISTER_CONTAINER = "serving.unregister_container";
    /** The API version that introduced the serving actions. */
    public static final String VERSION = "2.31";

    private final EventPublisher publisher;
    private final Clock clock;

    public IngestActions(EventPublisher publisher, Clock clock) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The three write actions, to install with {@code ServingHttp} or {@code ClearMlRoutes}. */
    public List<ActionDefinition> definitions() {
        return List.of(
                new ActionDefinition(REGISTER_CONTAINER, VERSION, this::registerContainer),
                new ActionDefinition(CONTAINER_STATUS_REPORT, VERSION, this::containerStatusReport),
                new ActionDefinition(UNREGISTER_CONTAINER, VERSION, this::unregisterContainer));
    }

    /** {@code serving.register_container}: the model report plus {@code timeout} (default 600 s). */
    public CompletionStage<Map<String, Object>> registerContainer(ActionRequest request) {
        RequestBody body = request.body();
        ModelInfo model = ReportParser.modelInfo(body, false);
        int timeoutSec = ReportParser.timeoutSec(body);
        return publish(request, ContainerEventType.REGISTER, ReportParser.containerId(body), timeoutSec, model, null);
    }

    /** {@code serving.container_status_report}: the model report (with {@code endpoint_url}) plus load figures. */
    public CompletionStage<Map<String, Object>> containerStatusReport(ActionRequest request) {
        RequestBody body = request.body();
        ModelInfo model = ReportParser.modelInfo(body, true);
        return publish(request, ContainerEventType.STATUS_REPORT, ReportParser.containerId(body), null, model,
                ReportParser.load(body));
    }

    /** {@code serving.unregister_container}: only {@code container_id}. */
    public CompletionStage<Map<String, Object>> unregisterContainer(ActionRequest request) {
        return publish(request, ContainerEventType.UNREGISTER, ReportParser.containerId(request.body()), null, null, null);
    }

    private CompletionStage<Map<String, Object>> publish(ActionRequest request, ContainerEventType type, String containerId,
                                                         Integer timeoutSec, ModelInfo model,
                                                         LoadReport load) {
        ContainerEvent event = new ContainerEvent(type, request.company(), containerId, clock.millis(),
                request.callerIp(), timeoutSec, model, load);
        return publisher.publish(event).thenApply(stored -> Map.of());
    }
}
