package io.servingmonitor.ingest;

import io.servingmonitor.api.ActionDefinition;
import io.servingmonitor.api.ActionRequest;
import io.servingmonitor.api.ApiException;
import io.servingmonitor.api.RequestBody;
import io.servingmonitor.topics.ContainerEvent;
import io.servingmonitor.topics.ContainerEventType;
import io.servingmonitor.topics.LoadReport;
import io.servingmonitor.topics.ModelInfo;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ClearML serving write actions. Each valid call becomes exactly one {@link ContainerEvent}
 * (company from the credentials, timestamp from the clock, the caller's ip), and is answered
 * {@code {}} only once the {@link EventPublisher} has made it durable. An invalid call is refused
 * before anything is published.
 *
 * <p>Registration follows a {@link RegistrationPolicy} (ClearML's defaults unless told otherwise).
 * Only in a strict mode is the {@link ContainerDirectory} consulted: a status report
 * ({@code autoRegister} false) or an unregister ({@code autoUnregister} false) of a container that
 * is not registered is answered 400/1051 and nothing is published. Because the directory lags the
 * writes just accepted, a "not registered" is asked again, with growing pauses and never blocking
 * a thread, until {@link RegistrationPolicy#confirmWithin()} has passed; only then is it believed.
 * A "registered" is believed at once, so a write racing an unregister or an expiry may still be
 * accepted. With {@link ContainerDirectory#UNKNOWN} the strict modes cannot be honoured and every
 * action behaves as in the automatic modes.
 *
 * <p>A node given a region ({@code --region}) stamps it on every event it writes, so that the
 * registry shows each container with the region of the node that heard from it last, also when
 * the events are mirrored into a central cluster. The region is the node's, never the caller's: a
 * {@code region} field in a body is ignored like any other unknown field.
 */
public final class IngestActions {

    public static final String REGISTER_CONTAINER = "serving.register_container";
    public static final String CONTAINER_STATUS_REPORT = "serving.container_status_report";
    public static final String UNREGISTER_CONTAINER = "serving.unregister_container";
    /** The names of the write actions. */
    public static final List<String> NAMES = List.of(REGISTER_CONTAINER, CONTAINER_STATUS_REPORT, UNREGISTER_CONTAINER);
    /** The API version that introduced the serving actions. */
    public static final String VERSION = "2.31";

    private static final Logger LOG = LoggerFactory.getLogger(IngestActions.class);
    private static final long FIRST_RECHECK_MS = 50;
    private static final long MAX_RECHECK_MS = 500;

    private final EventPublisher publisher;
    private final Clock clock;
    private final RegistrationPolicy policy;
    private final ContainerDirectory directory;
    private final String region;

    /** ClearML's default, automatic registration: no directory needed. */
    public IngestActions(EventPublisher publisher, Clock clock) {
        this(publisher, clock, RegistrationPolicy.AUTO, ContainerDirectory.UNKNOWN);
    }

    /**
     * @param policy    which actions refuse containers that are not registered
     * @param directory where a strict action asks whether a container is registered
     *                  ({@link ContainerDirectory#UNKNOWN} when this process has no registry: then
     *                  the strict modes are not honoured)
     */
    public IngestActions(EventPublisher publisher, Clock clock, RegistrationPolicy policy, ContainerDirectory directory) {
        this(publisher, clock, policy, directory, null);
    }

    /**
     * As {@link #IngestActions(EventPublisher, Clock, RegistrationPolicy, ContainerDirectory)}, on a
     * node of {@code region}.
     *
     * @param region stamped on every event; null for none, else a name of
     *               {@link ContainerEvent#REGION_NAME}
     */
    public IngestActions(EventPublisher publisher, Clock clock, RegistrationPolicy policy, ContainerDirectory directory,
                         String region) {
        if (region != null && !ContainerEvent.REGION_NAME.matcher(region).matches()) {
            throw new IllegalArgumentException("a region is 1 to 64 letters, digits, '.', '_' or '-', not '" + region + "'");
        }
        this.region = region;
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.directory = Objects.requireNonNull(directory, "directory");
        if (policy.strict() && directory == ContainerDirectory.UNKNOWN) {
            LOG.warn("strict container registration asked for, but this ingest cannot see the registry: "
                    + "status reports and unregisters of unknown containers are accepted");
        }
    }

    /**
     * The three write actions, to install with {@code ServingHttp} or {@code ClearMlRoutes}. Each
     * honours {@code Idempotency-Key}: a resend with the same key gets the first answer and
     * publishes no second event.
     */
    public List<ActionDefinition> definitions() {
        return List.of(
                new ActionDefinition(REGISTER_CONTAINER, VERSION, this::registerContainer).idempotent(),
                new ActionDefinition(CONTAINER_STATUS_REPORT, VERSION, this::containerStatusReport).idempotent(),
                new ActionDefinition(UNREGISTER_CONTAINER, VERSION, this::unregisterContainer).idempotent());
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
        String containerId = ReportParser.containerId(body);
        LoadReport load = ReportParser.load(body);
        return requireRegistered(!policy.autoRegister(), request.company(), containerId)
                .thenCompose(registered -> publish(request, ContainerEventType.STATUS_REPORT, containerId, null, model, load));
    }

    /** {@code serving.unregister_container}: only {@code container_id}. */
    public CompletionStage<Map<String, Object>> unregisterContainer(ActionRequest request) {
        String containerId = ReportParser.containerId(request.body());
        return requireRegistered(!policy.autoUnregister(), request.company(), containerId)
                .thenCompose(registered -> publish(request, ContainerEventType.UNREGISTER, containerId, null, null, null));
    }

    /**
     * Completes when the container may be written to: at once unless {@code strict}; else once the
     * directory says it is registered, or fails with 400/1051 when it still says not after
     * {@link RegistrationPolicy#confirmWithin()} (or with the directory's own failure).
     */
    private CompletionStage<Void> requireRegistered(boolean strict, String company, String containerId) {
        if (!strict) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        long deadlineNanos = System.nanoTime() + policy.confirmWithin().toNanos();
        ask(company, containerId, deadlineNanos, FIRST_RECHECK_MS, confirmed);
        return confirmed;
    }

    private void ask(String company, String containerId, long deadlineNanos, long pauseMs, CompletableFuture<Void> confirmed) {
        CompletionStage<Boolean> answer;
        try {
            answer = directory.isRegistered(company, containerId);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((registered, error) -> {
            if (error != null) {
                confirmed.completeExceptionally(error);
                return;
            }
            if (Boolean.TRUE.equals(registered)) {
                confirmed.complete(null);
                return;
            }
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (leftMs <= 0) {
                confirmed.completeExceptionally(ApiException.containerNotRegistered(containerId));
                return;
            }
            // The last ask falls on the deadline itself, so a register processed just in time still counts.
            CompletableFuture.delayedExecutor(Math.min(pauseMs, leftMs), TimeUnit.MILLISECONDS)
                    .execute(() -> ask(company, containerId, deadlineNanos, Math.min(pauseMs * 2, MAX_RECHECK_MS), confirmed));
        });
    }

    private CompletionStage<Map<String, Object>> publish(ActionRequest request, ContainerEventType type, String containerId,
                                                         Integer timeoutSec, ModelInfo model,
                                                         LoadReport load) {
        ContainerEvent event = new ContainerEvent(type, request.company(), containerId, clock.millis(),
                request.callerIp(), timeoutSec, model, load, region);
        return publisher.publish(event).thenApply(stored -> Map.of());
    }
}
