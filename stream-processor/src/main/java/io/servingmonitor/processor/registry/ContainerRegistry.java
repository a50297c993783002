package io.servingmonitor.processor.registry;

/**
 * The live registry of containers, keyed by company + container id, with wall-clock expiry.
 * (Placeholder holding the store names; the topology part is added by the registry feature.)
 */
public final class ContainerRegistry {

    /** {@code KeyValueStore<ContainerKey, ContainerEntry>}: every registered container, possibly past expiry until the punctuator runs. */
    public static final String STORE = "container-registry";

    /** Index of registry keys by expiry time, so expiry reads only what is due. */
    public static final String EXPIRY_INDEX_STORE = "container-expiry-index";

    private ContainerRegistry() {
    }
}
