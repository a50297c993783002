package io.servingmonitor.topics;

/** The three writes a container makes. */
public enum ContainerEventType {
    REGISTER,
    STATUS_REPORT,
    UNREGISTER
}
