package io.servingmonitor.launcher;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a part of the service started, closed in the reverse order of its start: each part stops
 * before what it was built on. A failure to close one is logged and the others still close.
 */
final class Closer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Closer.class);

    private final List<AutoCloseable> started = new ArrayList<>();
    private boolean closed;

    /** Records {@code resource} as started (closed before everything added earlier) and returns it. */
    synchronized <T extends AutoCloseable> T add(T resource) {
        if (closed) {
            throw new IllegalStateException("already closed");
        }
        started.add(resource);
        return resource;
    }

    /** Closes everything added, the last added first; only once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.toString());
            }
        }
    }
}
