package io.servingmonitor.topics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * A registered container as the registry holds it (and as {@link Topics#CONTAINER_STATE} publishes
 * it): what it serves, its latest load report, and the times that decide its expiry.
 *
 * @param registeredAtMs when it registered (or was registered on the fly by its first report)
 * @param lastActivityMs its latest register or status report
 * @param timeoutSec     seconds of silence after which it expires
 * @param region         the region of the ingest node that took its latest register or status
 *                       report, null when that node had none
 */
public record ContainerEntry(
        String company,
        String containerId,
        ModelInfo model,
        LoadReport load,
        String ip,
        long registeredAtMs,
        long lastActivityMs,
        int timeoutSec,
        String region) {

    /** ClearML's default registration timeout, used for containers registered by a status report. */
    public static final int DEFAULT_TIMEOUT_SEC = 600;

    public ContainerEntry {
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(model, "model");
        load = load == null ? LoadReport.EMPTY : load;
    }

    /** An entry without region. */
    public ContainerEntry(String company, String containerId, ModelInfo model, LoadReport load, String ip,
                          long registeredAtMs, long lastActivityMs, int timeoutSec) {
        this(company, containerId, model, load, ip, registeredAtMs, lastActivityMs, timeoutSec, null);
    }

    @JsonIgnore
    public ContainerKey key() {
        return new ContainerKey(company, containerId);
    }

    /** The endpoint url, or null while the container is loading. */
    @JsonIgnore
    public String url() {
        return model.endpointUrl();
    }

    /** The first instant (epoch ms) at which the container no longer counts as live. */
    @JsonIgnore
    public long expiresAtMs() {
        return lastActivityMs + timeoutSec * 1000L;
    }

    /** Whether the container is live at {@code nowMs}: reads use this so an entry past its expiry is never shown, even before the expiry punctuator removed it. */
    public boolean isLiveAt(long nowMs) {
        return nowMs < expiresAtMs();
    }
}
