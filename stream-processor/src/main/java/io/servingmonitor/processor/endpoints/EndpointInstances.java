package io.servingmonitor.processor.endpoints;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.servingmonitor.topics.ContainerEntry;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The containers currently serving one endpoint url, by container id: the value of the
 * {@code endpoint-instances} store. Entries may be past their expiry until the registry's
 * punctuator removes them; readers use {@link #live(long)}.
 */
public record EndpointInstances(Map<String, ContainerEntry> containers) {

    public static final EndpointInstances EMPTY = new EndpointInstances(Map.of());

    public EndpointInstances {
        containers = Map.copyOf(containers);
    }

    public EndpointInstances with(ContainerEntry entry) {
        Map<String, ContainerEntry> next = new HashMap<>(containers);
        next.put(entry.containerId(), entry);
        return new EndpointInstances(next);
    }

    public EndpointInstances without(String containerId) {
        Map<String, ContainerEntry> next = new HashMap<>(containers);
        next.remove(containerId);
        return new EndpointInstances(next);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return containers.isEmpty();
    }

    /** The containers live at {@code nowMs}, by container id. */
    public List<ContainerEntry> live(long nowMs) {
        return containers.values().stream()
                .filter(c -> c.isLiveAt(nowMs))
                .sorted(Comparator.comparing(ContainerEntry::containerId))
                .toList();
    }
}
