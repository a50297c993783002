package io.servingmonitor.query;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance for a read from its own stores. The stage fails with
 * {@link PeerUnreachableException} when the peer could not be reached or did not answer in time,
 * with {@link StoreReads.TransientReadException} when it answered that it cannot read those
 * partitions right now (503), and with the peer's {@code ApiException} otherwise (e.g. 400/1052).
 */
public interface PeerTransport {

    /** Asks {@code peer}; must not block. */
    <R> CompletionStage<R> query(HostInfo peer, PeerAction<R> action, PeerQuery query, Duration timeout);

    /** No peers (a single instance): any call fails as unreachable. */
    static PeerTransport none() {
        return new PeerTransport() {
            @Override
            public <R> CompletionStage<R> query(HostInfo peer, PeerAction<R> action, PeerQuery query, Duration timeout) {
                return CompletableFuture.failedFuture(new PeerUnreachableException(peer, "no peer transport configured", null));
            }
        };
    }

    /** The peer could not be reached, or did not answer in time: another copy may be asked. */
    final class PeerUnreachableException extends StoreReads.TransientReadException {
        public PeerUnreachableException(HostInfo peer, String problem, Throwable cause) {
            super("peer " + peer + " unreachable: " + problem, cause);
        }
    }
}
