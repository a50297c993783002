package io.servingmonitor.processor;

import java.time.Duration;

/**
 * How often {@link StreamsRunner} replaces a stream thread that died on an unexpected error
 * before it gives up: at most {@code maxReplacements} within any {@code window}; one failure
 * more shuts the Streams client down (state ERROR) instead of looping. Under exactly-once every
 * replacement restarts the thread's tasks from their last commit (and may restore their state),
 * so a failure that repeats on the same input would otherwise loop forever.
 */
public record ThreadFailurePolicy(int maxReplacements, Duration window) {

    public ThreadFailurePolicy {
        if (maxReplacements < 0) {
            throw new IllegalArgumentException("max replacements must be at least 0, not " + maxReplacements);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the window must be positive: " + window);
        }
    }

    /** At most 3 replacements in 10 minutes. */
    public static ThreadFailurePolicy defaults() {
        return new ThreadFailurePolicy(3, Duration.ofMinutes(10));
    }

    /** The window in words, such as {@code 10 min} or {@code 90 s}. */
    String windowText() {
        return window.toSecondsPart() == 0 && window.toMillisPart() == 0 && window.toMinutes() > 0
                ? window.toMinutes() + " min" : window.toMillis() / 1000.0 + " s";
    }
}
