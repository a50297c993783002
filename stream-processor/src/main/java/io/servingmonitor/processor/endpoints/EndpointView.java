package io.servingmonitor.processor.endpoints;

/**
 * The registry re-keyed by company + endpoint url.
 * (Placeholder holding the store name; the topology part is added by the endpoint feature.)
 */
public final class EndpointView {

    /** {@code KeyValueStore<EndpointKey, EndpointInstances>}. */
    public static final String STORE = "endpoint-instances";

    private EndpointView() {
    }
}
